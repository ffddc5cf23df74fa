#!/usr/bin/python3
"""web_selenium.py - jubao-webd's pages in headless Chromium (tests/e2e/t-web.sh)

usage: web_selenium.py URL CASE PIN CATEGORY DEADLINE SHOTS

Looks up CASE with its PIN (the status text: case number, category name
CATEGORY, deadline text DEADLINE), switches to English and back, rates it
4, complains, tries a wrong PIN, and switches the form's language; keeps
a screenshot of each page in SHOTS and checks the browser's console after
each page.  Prints "ok - ..." / "not ok - ..." lines for the shell test
to count.  The page needs no JavaScript: none is run here but Selenium's.
"""
import sys

from selenium.webdriver.common.by import By

import jbselenium as jb

url, case, pin, category, deadline, shots = sys.argv[1:7]
COMPLAINT = "处理结果与事实不符，请重新核查。"
results = []


def check(ok, what):
    results.append(jb.check(ok, what))


def page(name):
    jb.page(driver, shots, name)


def text():
    return jb.text(driver)


def click(what):
    """click the element with id what and wait for the next page"""
    jb.submit(driver, driver.find_element(By.ID, what))


def lookup(c, p):
    driver.get(url)
    driver.find_element(By.ID, "case").send_keys(c)
    driver.find_element(By.ID, "pin").send_keys(p)
    click("lookup")


driver = jb.chromium("412,915")
try:
    # the form, zh-CN by default, on a phone-sized window
    driver.get(url)
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN",
          "the form is in zh-CN by default")
    check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
          "the form fits a 412 px wide screen (no horizontal scrolling)")
    page("01-form")

    # look up: the status text
    lookup(case, pin)
    t = text()
    check(case in t and category in t and deadline in t,
          "lookup: the status names the case, its category (%s) and deadline (%s)" % (category, deadline))
    check(driver.find_elements(By.ID, "rate-form") and driver.find_elements(By.ID, "complain-form"),
          "lookup: the forms to rate and to complain are shown")
    page("02-status")

    # English and back, on the status page (the lookup posted again)
    click("lang-switch")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" and
          case in text() and "Rate the handling" in text(),
          "switch to English: the same status in English")
    page("03-status-en")
    click("lang-switch")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN" and
          "评价处理情况" in text(), "switch back to 中文")

    # rate 4
    driver.find_element(By.CSS_SELECTOR, "input[name=rating][value='4']").click()
    click("rate")
    check("感谢您的评价" in text() and "4 分" in text(), "rate 4: the rating is confirmed")
    page("04-rated")

    # complain
    lookup(case, pin)
    driver.find_element(By.ID, "text").send_keys(COMPLAINT)
    click("complain")
    check("投诉已收到" in text(), "complain: the complaint is confirmed")
    page("05-complained")

    # a wrong PIN: the generic answer, no forms
    wrong = "%06d" % ((int(pin) + 1) % 1000000)
    lookup(case, wrong)
    check("不正确" in text() and not driver.find_elements(By.ID, "rate-form"),
          "wrong PIN: the generic answer, nothing of the case")
    check(case not in driver.page_source, "wrong PIN: the page does not echo the case number")
    page("06-denied")

    # the form in English and back
    driver.get(url)
    click("lang-switch")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" and
          "Status of your report" in text(), "the form's link switches to English")
    page("07-form-en")
    click("lang-switch")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN",
          "and back to 中文")
    page("08-form")
finally:
    driver.quit()
sys.exit(0 if all(results) else 1)
