#!/usr/bin/python3
"""console_selenium.py - the call centre's console in headless Chromium
(tests/e2e/t-console.sh)

usage: console_selenium.py URL HOTLINE_CASE EMAIL_CASE SECONDS SHOTS

The passwords come in the environment: PW_HANDLER (li.h), PW_REVIEWER
(zhao.r), PW_ADMIN (wang.admin).  A handler logs in, finds the hotline
case in the queue, plays its recording (the audio element's duration
must be SECONDS, the recording's own), accepts it and proposes a removal;
the page says it waits for a reviewer and offers the handler no approval.
A reviewer approves it.  The email case (its subject holds a <script>
tag) is shown as text; the reviewer proposes a block, the admin approves
it; the reporter is revealed with a reason, and the audit line shown.
Statistics, the digest, English.  A screenshot of each page in SHOTS, the
browser's console checked after each.  Prints "ok - ..." / "not ok - ...".
"""
import os
import sys

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import jbselenium as jb

url, hot, mail, seconds, shots = sys.argv[1:6]
seconds = float(seconds)
url = url.rstrip("/")


check = jb.check


def page(name):
    jb.page(driver, shots, name)


def text():
    return jb.text(driver)


def submit(el):
    """click el (a button) and wait for the next page"""
    jb.submit(driver, el)


def login(name, pw):
    driver.get(url + "/staff/login")
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(pw)
    submit(driver.find_element(By.CSS_SELECTOR, "form.login button"))


def logout():
    submit(driver.find_element(By.CSS_SELECTOR, "form.who button"))


def status():
    return driver.find_element(By.ID, "status").text


def act(action, **fields):
    form = driver.find_element(By.ID, "actform")
    Select(form.find_element(By.NAME, "action")).select_by_value(action)
    for k, v in fields.items():
        form.find_element(By.NAME, k).send_keys(v)
    submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def dispose(measures, explain):
    form = driver.find_element(By.ID, "disposeform")
    for m in measures:
        form.find_element(By.CSS_SELECTOR, "input[name=measure][value='%s']" % m).click()
    form.find_element(By.NAME, "explain").send_keys(explain)
    submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


driver = jb.chromium("1280,900", "--autoplay-policy=no-user-gesture-required", "--mute-audio")
try:
    # a page of the console without a session: the login form, zh-CN
    driver.get(url + "/staff/queue")
    check(driver.current_url.endswith("/staff/login") and
          driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN",
          "without a session the queue sends to the login form, in zh-CN")
    page("01-login")

    # the handler: the queue holds both cases, the newest call first
    login("li.h", os.environ["PW_HANDLER"])
    check(driver.current_url.endswith("/staff/queue") and
          driver.find_element(By.ID, "me").text == "li.h",
          "li.h logs in and lands on the queue")
    t = text()
    check(hot in t and mail in t, "the queue lists the hotline case %s and the email case %s" % (hot, mail))
    check("<script>" in t and not driver.find_elements(By.TAG_NAME, "script") and
          driver.execute_script("return window.jubaoPwned === undefined"),
          "the queue shows the subject's <script> as text; no script ran")
    page("02-queue")
    driver.set_window_size(412, 915)
    driver.refresh()
    check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
          "the queue fits a 412 px wide phone (the table scrolls inside itself)")
    page("02-queue-phone")
    driver.set_window_size(1280, 900)

    # the search box: a case number opens the case
    q = driver.find_element(By.NAME, "q")
    q.send_keys(hot)
    submit(driver.find_element(By.CSS_SELECTOR, "form.filter button"))
    check(driver.current_url.endswith("/staff/case/" + hot) and
          driver.find_element(By.ID, "case").text == hot,
          "searching the case number opens the case")

    # the recording plays in the page, with its own duration
    audio = driver.find_elements(By.TAG_NAME, "audio")
    check(len(audio) == 1, "the case page has an audio element for the recording")
    if audio:
        driver.execute_script("arguments[0].load()", audio[0])
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            "return arguments[0].readyState >= 1 && isFinite(arguments[0].duration)", audio[0]))
        dur = driver.execute_script("return arguments[0].duration", audio[0])
        check(abs(dur - seconds) < 0.05,
              "the audio element reports %.3f s, the recording is %.3f s" % (dur, seconds))
        driver.execute_script("arguments[0].play()", audio[0])
        # it plays: its position moves (polled: a loaded machine starts late)
        try:
            WebDriverWait(driver, 20, poll_frequency=0.2).until(lambda d: d.execute_script(
                "return arguments[0].error || arguments[0].currentTime > 0.5", audio[0]))
        except TimeoutException:
            pass  # checked below, with the position it reached
        pos = driver.execute_script("return arguments[0].currentTime", audio[0])
        err = driver.execute_script("return arguments[0].error && arguments[0].error.code", audio[0])
        check(pos > 0.5 and not err, "it plays: %.2f s in, no media error" % pos)
        driver.execute_script("arguments[0].pause()", audio[0])
    page("03-case-hotline")

    # accept, then a removal: proposed, not done; no approval for the proposer
    act("accept")
    check("已受理" in status(), "accepted in the browser: the status says 已受理")
    dispose(["delete"], "涉事信息已删除")
    t = text()
    check("已受理" in status() and "已提交复核" in t and "等待另一名复核员批准" in t,
          "a deletion proposed: the case stays accepted, the page says it waits for a reviewer")
    check(not driver.find_elements(By.ID, "approve"), "the proposer is offered no approval")
    page("04-proposed")
    logout()
    check(driver.current_url.endswith("/staff/login"), "logged out")

    # the reviewer approves it from the pending view
    login("zhao.r", os.environ["PW_REVIEWER"])
    driver.get(url + "/staff/queue?view=pending")
    check(hot in text() and mail not in text(), "the pending view lists the proposed case only")
    page("05-pending")
    driver.get(url + "/staff/case/" + hot)
    submit(driver.find_element(By.ID, "approve"))
    check("已反馈" in status(), "approved by zhao.r: disposed and the feedback sent (status %s)" % status())
    led = driver.find_element(By.ID, "ledger").text
    check("propose" in led and "approve" in led and "li.h" in led and "zhao.r" in led,
          "the ledger shows both names: li.h proposed, zhao.r approved")
    page("06-approved")

    # the email case: the subject is text; the reviewer proposes, the admin approves
    driver.get(url + "/staff/case/" + mail)
    check("<script>alert('x')</script>" in text() and
          not driver.find_elements(By.TAG_NAME, "script") and
          driver.execute_script("return window.jubaoPwned === undefined"),
          "the case page shows the <script> subject as text; nothing ran")
    check("whistle@example.org" not in driver.page_source and "王五" not in driver.page_source,
          "the case page does not name the reporter before a reveal")
    act("accept")
    dispose(["block", "warn"], "已屏蔽并警示")
    check("已提交复核" in text() and not driver.find_elements(By.ID, "approve"),
          "the reviewer's own block waits for another person")
    logout()
    login("wang.admin", os.environ["PW_ADMIN"])
    driver.get(url + "/staff/case/" + mail)
    submit(driver.find_element(By.ID, "approve"))
    check("已反馈" in status(), "approved by wang.admin (an admin may): status %s" % status())

    # the reveal: a reason, the audit line shown
    form = driver.find_element(By.ID, "revealform")
    form.find_element(By.NAME, "reason").send_keys("核实举报人身份以便回访")
    submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    rep = driver.find_element(By.ID, "reporter").text
    check("whistle@example.org" in rep and "核实举报人身份以便回访" in
          driver.find_element(By.ID, "audit").text,
          "reveal with a reason: the reporter's address, and the audit line naming the reason")
    page("07-revealed")
    driver.get(url + "/staff/case/" + mail)
    check("whistle@example.org" not in driver.page_source,
          "the next view of the case hides the reporter again")

    # statistics, the digest, the accounts page, English
    driver.get(url + "/staff/stats")
    check(driver.find_elements(By.ID, "stats"), "the statistics page")
    page("08-stats")
    driver.get(url + "/staff/digest")
    check(driver.find_elements(By.ID, "digest"), "the digest page")
    page("09-digest")
    driver.get(url + "/staff/users")
    check("li.h" in text() and "zhao.r" in text(), "the admin sees the accounts")
    page("10-users")
    driver.get(url + "/staff/queue")
    submit(driver.find_element(By.CSS_SELECTOR, "a.lang"))
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" and
          "Queue" in text(), "English: the queue in English")
    page("11-queue-en")
    driver.get(url + "/staff/case/" + hot)
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
          "English stays for the next page")
    page("12-case-en")
finally:
    driver.quit()
