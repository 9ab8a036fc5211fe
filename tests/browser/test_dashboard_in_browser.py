"""End to end: the four services and the dashboard as real processes, a small demo seeded
through the services, the dashboard opened in headless Chromium and signed in to as an
auditor; the figures it shows must equal the services' read APIs. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from selenium.webdriver.common.by import By

from .browser import amount, chromium, installed, navigate
from .seed import TODAY, Seeder, auditor_headers
from .stack import ROOT, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts"


def test_dashboard_shows_the_services_figures(kafka_bootstrap: str, pg_dsn: str, unique_id: str,
                                              schema_prefix: str) -> None:
    if not installed():
        pytest.fail("chromium and chromedriver are missing: run `make setup` (deploy/local/setup.sh)")
    ARTIFACTS.mkdir(exist_ok=True)
    with running_stack(f"test-{unique_id}.", schema_prefix, kafka_bootstrap, pg_dsn,
                       ARTIFACTS / "browser-logs") as stack:
        Seeder(stack).run()
        api = httpx.Client(base_url=stack.url("collections"), timeout=30, headers=auditor_headers())
        cash = httpx.Client(base_url=stack.url("cash-application"), timeout=30,
                            headers=auditor_headers())
        ageing_now = api.get("/ageing").json()
        as_of = TODAY.replace(day=1).isoformat()
        ageing_then = api.get("/ageing", params={"as_of": as_of}).json()
        open_disputes = api.get("/disputes", params={"status": "open"}).json()
        unapplied = cash.get("/unapplied").json()["payments"]
        acme = api.get("/customers/C-ACME").json()
        acme_balance = cash.get("/customers/C-ACME/balance").json()

        with chromium(ARTIFACTS / "browser-logs") as browser:
            # No session: the sign-in page; an auditor signs in with a token the services accept.
            browser.get(stack.url("dashboard") + "/")
            token_input = browser.find_element(By.CSS_SELECTOR, "[data-token-input]")
            token_input.send_keys(auditor_headers()["Authorization"].removeprefix("Bearer "))
            navigate(browser, browser.find_element(By.CSS_SELECTOR, "[data-sign-in]").click)
            assert browser.find_element(By.CSS_SELECTOR, "[data-viewer]").text == "browser-test"
            assert not browser.find_elements(By.CSS_SELECTOR, "[data-notice]")
            for currency, figures in ageing_now["currencies"].items():
                block = browser.find_element(By.CSS_SELECTOR, f'article[data-currency="{currency}"]')
                shown = block.find_element(By.CSS_SELECTOR, "[data-ageing-total]").text
                assert amount(shown) == Decimal(figures["total"]), currency
                for bucket, value in figures["buckets"].items():
                    cell = block.find_element(By.CSS_SELECTOR, f'tr[data-bucket="{bucket}"] [data-now]')
                    assert amount(cell.text) == Decimal(value), (currency, bucket)
            count = browser.find_element(By.CSS_SELECTOR, "[data-dispute-count]").text
            assert int(count) == len(open_disputes) == 1
            shown_unapplied = browser.find_element(By.CSS_SELECTOR, '[data-unapplied-total="EUR"]').text
            assert amount(shown_unapplied) == sum(Decimal(p["unapplied"]["amount"]) for p in unapplied
                                                  if p["unapplied"]["currency"] == "EUR")

            # as of a chosen date, through the date input
            date_input = browser.find_element(By.CSS_SELECTOR, "[data-as-of-input]")
            browser.execute_script("arguments[0].value = arguments[1]", date_input, as_of)
            navigate(browser, date_input.submit)
            for currency, figures in ageing_then["currencies"].items():
                block = browser.find_element(By.CSS_SELECTOR, f'article[data-currency="{currency}"]')
                for bucket, value in figures["buckets"].items():
                    cell = block.find_element(By.CSS_SELECTOR, f'tr[data-bucket="{bucket}"] [data-as-of]')
                    assert amount(cell.text) == Decimal(value), (as_of, currency, bucket)
            browser.save_screenshot(str(ARTIFACTS / "dashboard-overview.png"))

            acme_link = browser.find_element(By.CSS_SELECTOR, '#top-overdue a[data-customer="C-ACME"]')
            navigate(browser, acme_link.click)
            shown_total = browser.find_element(By.CSS_SELECTOR, '[data-open-total="EUR"]').text
            expected = sum(Decimal(i["open_amount"]) for i in acme["open_items"])
            balance = Decimal(acme_balance["currencies"][0]["balance"]["amount"])
            assert amount(shown_total) == expected == balance
            rows = browser.find_elements(By.CSS_SELECTOR, "[data-open-amount]")
            assert len(rows) == len(acme["open_items"])
            assert "Friendly reminder" in browser.find_element(By.ID, "dunning").text
            assert "Hanna Weber" in browser.find_element(By.ID, "contacts").text
            assert browser.find_elements(By.CSS_SELECTOR, '#dunning [data-delivery="emailed"]')
            assert "Copy of invoice" in browser.find_element(By.ID, "documents").text
            assert browser.find_elements(By.CSS_SELECTOR, '#documents [data-delivery="emailed"]')
            browser.save_screenshot(str(ARTIFACTS / "dashboard-customer.png"))
