"""Debian's headless chromium driven by Selenium through Debian's chromedriver, for the browser tests and
the README screenshot (`bench.web_shot`): an explicit driver path, so selenium-manager never downloads a
browser or driver of its own."""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class BrowserMissing(RuntimeError):
    pass


def browser(width: int = 1280, height: int = 900):
    if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
        raise BrowserMissing("chromium and chromium-driver are missing: `make test` installs them (Debian packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--enable-precise-memory-info"):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def wait_for(check, timeout_s: float, what: str, every_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(every_s)
