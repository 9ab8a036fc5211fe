"""Headless Chromium (Debian's package) driven by Selenium through Debian's chromedriver."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1800", "--hide-scrollbars"]


def installed() -> bool:
    return shutil.which(CHROMIUM) is not None and shutil.which(CHROMEDRIVER) is not None


@contextmanager
def chromium(evidence: Path) -> Iterator[webdriver.Chrome]:
    """A headless browser; if the test fails, the page it was on is kept in `evidence`."""
    profile = tempfile.mkdtemp(prefix="ledgerline-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [*ARGS, f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(90)
    try:
        yield driver
    except BaseException:
        with suppress(Exception):  # a dead browser must not hide why the test failed
            evidence.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(evidence / "failed-page.png"))
            (evidence / "failed-page.html").write_text(driver.page_source, encoding="utf-8")
        raise
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def navigate(browser: webdriver.Chrome, action: Callable[[], object], seconds: float = 90) -> None:
    """Click or submit, then wait until the next page has replaced this one: a click returns
    before a loaded machine has rendered the answer, and the old page has the same selectors."""
    page = browser.find_element(By.TAG_NAME, "html")
    action()
    waiting = WebDriverWait(browser, seconds)
    waiting.until(expected_conditions.staleness_of(page))
    waiting.until(lambda b: b.execute_script("return document.readyState") == "complete")


def amount(shown: str) -> Decimal:
    """What the page shows back as a Decimal: '−€1,234.50' → Decimal('-1234.50')."""
    negative = shown.strip().startswith(("−", "-"))
    digits = re.sub(r"[^0-9.]", "", shown)
    return -Decimal(digits) if negative else Decimal(digits)
