"""jbselenium.py - what the Chromium tests share (web_selenium.py,
console_selenium.py): Debian's Chromium under Selenium, "ok - " lines for
the shell test to count, and a screenshot of each page with its browser
console checked"""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    return ok


def chromium(size, *extra):
    """headless Chromium at size "W,H", the browser's console recorded"""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--window-size=" + size, "--disable-dev-shm-usage") + extra:
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def page(driver, shots, name):
    """screenshot the page as SHOTS/NAME.png; the console must hold no error"""
    driver.save_screenshot(os.path.join(shots, name + ".png"))
    bad = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    check(not bad, "%s: no console errors%s" % (name, (": %s" % bad) if bad else ""))


def text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


# Chromium's DevTools answer a node of a replaced document with this
# instead of a stale-element error (SeleniumHQ/selenium#15401), to a
# click whose navigation has begun as well as to staleness_of's probe.
GONE = ("does not belong to the document", "No node with given id")


def gone(e):
    return isinstance(e, StaleElementReferenceException) or \
        any(g in str(e) for g in GONE)


def stale(old):
    """a wait condition: old (an element) belongs to a replaced page"""
    def probe(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException as e:
            if gone(e):
                return True
            raise
    return probe


def submit(driver, el):
    """click el (a button or link) and wait until the next page is loaded;
    whether the click was delivered is decided by the old page going stale"""
    old = driver.find_element(By.TAG_NAME, "html")
    try:
        el.click()
    except WebDriverException as e:
        if not gone(e):
            raise
    WebDriverWait(driver, 30).until(stale(old))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
