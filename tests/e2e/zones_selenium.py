"""zones_selenium.py - the online reporting zones in Chromium (t-zones.sh)

usage: zones_selenium.py BASE SHOTS DIR CASES

A report in each zone, each with the file DIR/shot-ZONE.png; the
enterprise one without its licence, then completed on the status page
with the case number and PIN (DIR/licence-web.pdf); the zones and a report
in English; each page screenshot into SHOTS with its console checked.
Writes "ZONE CASE PIN" lines to CASES for the shell to check the evidence.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import jbselenium as jb

base, shots, files, cases_out = sys.argv[1:5]
base = base.rstrip("/")
check = jb.check
made = []


def page(name):
    jb.page(driver, shots, name)


def text():
    return jb.text(driver)


def submit(el):
    jb.submit(driver, el)


def fill(name, value):
    driver.find_element(By.NAME, name).send_keys(value)


def receipt():
    return (driver.find_element(By.ID, "case").text.strip(),
            driver.find_element(By.ID, "pin").text.strip())


def report(zone, words, shot, lang="zh"):
    """open zone from the zones page, fill it in, attach DIR/shot-SHOT.png, submit"""
    driver.get(base + "/zones" + ("?lang=en" if lang == "en" else ""))
    submit(driver.find_element(By.ID, "zone-" + zone))
    check(driver.find_element(By.ID, "zone").get_attribute("data-zone") == zone,
          "%s: the zone's page and form" % zone)
    fill("text", words)
    fill("urls", "https://%s.example/post/1" % zone)
    fill("accounts", "@%s_account" % zone)
    driver.find_element(By.NAME, "evidence").send_keys(os.path.join(files, "shot-%s.png" % shot))
    submit(driver.find_element(By.ID, "submit"))
    c, p = receipt()
    check(c.isdigit() and p.isdigit(), "%s: the confirmation shows case %s and a PIN" % (zone, c))
    made.append("%s %s %s" % (shot, c, p))
    return c, p


driver = jb.chromium("1280,1000")
try:
    driver.get(base + "/zones")
    t = text()
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN" and
          "网上举报专区" in t and "涉企侵权举报专区" in t and "快速处置" in t,
          "the zones page, in zh-CN, the fast lane marked")
    page("01-zones")
    driver.set_window_size(412, 915)
    driver.get(base + "/zone?z=enterprise")
    check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
          "the enterprise form fits a 412 px wide phone")
    page("02-enterprise-phone")
    driver.set_window_size(1280, 1000)

    for z, words in (("general", "这是一个诈骗网站，冒充客服骗钱。"),
                     ("minors", "有直播间诱导未成年人打赏。"),
                     ("privacy", "有人公开了我的身份证号和家庭住址。"),
                     ("extortion", "有人以删除负面帖子为由向我索要钱财。")):
        report(z, words, z)
        page("03-done-" + z)

    c, p = report("cyberviolence", "有人在论坛人肉搜索并辱骂我。", "cyberviolence")
    check(driver.find_elements(By.ID, "fast") and "12 小时" in driver.find_element(By.ID, "deadline").text,
          "cyber-violence: the fast lane, handled within 12 hours")
    page("04-done-cyberviolence")

    # the enterprise zone: everything but the licence
    driver.get(base + "/zone?z=enterprise")
    Select(driver.find_element(By.NAME, "category")).select_by_value("ent_rumour")
    fill("text", "有人造谣我公司产品有毒，请删除。")
    fill("urls", "https://rumour.example/p/2")
    fill("name", "赵经理")
    fill("email", "manager@example.com")
    driver.find_element(By.NAME, "evidence").send_keys(os.path.join(files, "shot-enterprise.png"))
    driver.find_element(By.ID, "guarantee").click()
    page("05-enterprise-form")
    submit(driver.find_element(By.ID, "submit"))
    ce, pe = receipt()
    made.append("enterprise %s %s" % (ce, pe))
    missing = [li.get_attribute("data-elem") for li in driver.find_elements(By.CSS_SELECTOR, "#missing li")]
    check(missing == ["standing"] and "营业执照" in driver.find_element(By.ID, "missing").text,
          "without the licence: the confirmation names what is missing (%s)" % ",".join(missing))
    page("06-enterprise-missing")

    # the supplement: the status page with the case number and PIN
    submit(driver.find_element(By.ID, "to-status"))
    fill("case", ce)
    fill("pin", pe)
    submit(driver.find_element(By.ID, "lookup"))
    check(ce in text() and driver.find_elements(By.ID, "supplement-form"),
          "the confirmation's case number and PIN open the status page")
    driver.find_element(By.CSS_SELECTOR, "#s-enterprise summary").click()
    driver.find_element(By.ID, "s-licence").send_keys(os.path.join(files, "licence-web.pdf"))
    page("07-supplement")
    submit(driver.find_element(By.ID, "supplement"))
    check(driver.find_elements(By.ID, "complete") and ce in text(),
          "the licence added: the page says the report is complete")
    page("08-supplement-done")

    # English: the switch on the zones page, a report on the English form
    driver.get(base + "/zones")
    submit(driver.find_element(By.ID, "lang-switch"))
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" and
          "Report online" in text(), "the language switch: the zones in English")
    page("09-zones-en")
    report("cyberviolence", "Someone posts my address and insults me every day.", "en", lang="en")
    check("Report received" in text() and driver.find_elements(By.ID, "fast") and
          "12 hours" in driver.find_element(By.ID, "deadline").text,
          "a report in English: confirmed in English, the fast lane")
    page("10-done-en")
    driver.get(base + "/guide?lang=en")
    check("How to report" in text(), "the guide in English")
    page("11-guide-en")
    driver.get(base + "/laws")
    check("法律法规" in text(), "the rules and laws")
    page("12-laws")
finally:
    driver.quit()
    with open(cases_out, "w") as f:
        f.write("".join(m + "\n" for m in made))
