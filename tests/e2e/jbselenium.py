"""jbselenium.py - what the Chromium tests share (web_selenium.py,
console_selenium.py): Debian's Chromium under Selenium, "ok - " lines for
the shell test to count, and a screenshot of each page with its browser
console checked"""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
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


def submit(driver, el):
    """click el (a button or link) and wait until the next page is loaded.
    When the click's navigation replaces the document before chromedriver
    has finished with the node, chromedriver reports "Node with given id
    does not belong to the document" although the click was delivered; the
    wait for the old page to go stale below decides whether it was."""
    old = driver.find_element(By.TAG_NAME, "html")
    try:
        el.click()
    except WebDriverException as e:
        if "does not belong to the document" not in str(e):
            raise
    WebDriverWait(driver, 30).until(EC.staleness_of(old))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
