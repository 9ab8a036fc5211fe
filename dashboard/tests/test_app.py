"""The pages against fake services (an httpx transport), signed in as an auditor: figures
shown, and a notice on the panels of a service that is down while the rest still shows."""

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from fastapi.testclient import TestClient
from ledgerline_events.runtime.auth import Authenticator, mint_token

from ledgerline_dashboard.app import create_app
from ledgerline_dashboard.config import DashboardSettings
from ledgerline_dashboard.signin import COOKIE

from .samples import (
    ACCOUNT,
    AGEING,
    AGEING_OCT,
    BACKTEST,
    BALANCE,
    CREDIT,
    DISPUTES,
    E_INVOICES,
    FORECAST,
    HISTORY,
    MASTER,
    UNAPPLIED,
    WHAT_IF,
    WORKLIST,
    kpi_report,
)

SECRET = "dashboard-test-secret-of-at-least-thirty-two-bytes"
SETTINGS = DashboardSettings(credit_url="http://credit", invoicing_url="http://invoicing",
                             cash_application_url="http://cash", collections_url="http://collections")


def fake_services(down: set[str]) -> Callable[[httpx.Request], httpx.Response]:
    answers: dict[tuple[str, str], Any] = {
        ("collections", "/ageing"): AGEING, ("collections", "/worklist"): WORKLIST,
        ("collections", "/disputes"): [d for d in DISPUTES if d["status"] == "open"],
        ("collections", "/kpis"): kpi_report("127.33", "30.19"),
        ("collections", "/customers/C-ACME"): ACCOUNT, ("cash", "/unapplied"): UNAPPLIED,
        ("collections", "/customers/C-ACME/master"): MASTER,
        ("collections", "/customers/C-ACME/history"): HISTORY,
        ("cash", "/customers/C-ACME/balance"): BALANCE, ("credit", "/customers/C-ACME/credit"): CREDIT,
        ("invoicing", "/invoices"): [{"customer_name": "Acme Tools GmbH"}],
        ("invoicing", "/invoices/inv-5"): {"invoice_number": "INV-2026-000005"},
        ("invoicing", "/e-invoices"): E_INVOICES,
        ("collections", "/cash-forecast"): FORECAST, ("collections", "/dunning-what-if"): WHAT_IF,
        ("collections", "/cash-forecast/backtest"): BACKTEST,
    }

    def handle(request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        if host in down:
            raise httpx.ConnectError("connection refused", request=request)
        if path == "/ageing" and request.url.params.get("as_of"):
            return httpx.Response(200, json=AGEING_OCT)
        if (host, path) in (("collections", "/reminders/rem-2/pdf"), ("invoicing", "/invoices/inv-3/pdf")):
            return httpx.Response(200, content=b"%PDF-1.4 letter",
                                  headers={"content-type": "application/pdf"})
        if (host, path) == ("invoicing", "/e-invoices/einv-inv-1"):
            return httpx.Response(200, content=b"%PDF-1.7 factur-x",
                                  headers={"content-type": "application/pdf"})
        if (host, path) in answers:
            return httpx.Response(200, json=answers[(host, path)])
        if path == "/health":
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(404, json={"detail": "unknown"})
    return handle


def signed_in(app: Any, *roles: str) -> TestClient:
    """A browser whose person signed in (an auditor unless roles are given)."""
    browser = TestClient(app)
    browser.cookies.set(COOKIE, mint_token(SECRET, "ann", roles or ["auditor"]))
    return browser


def client(down: frozenset[str] = frozenset()) -> TestClient:
    app = create_app(SETTINGS, transport=httpx.MockTransport(fake_services(set(down))),
                     today=lambda: date(2026, 11, 25), authenticator=Authenticator(SECRET, None))
    return signed_in(app)


def test_overview_shows_every_panel() -> None:
    html = client().get("/?as_of=2026-10-01").text
    for shown in ("€2,929.90", "€2,049.90", "£3,000.00", "Acme Tools GmbH", "INV-2026-000005",
                  "Quality complaint", "€275.50", "127.3 d", "30.2 %", "Friendly reminder"):
        assert shown in html, shown
    assert "data-notice" not in html


def test_overview_asks_ageing_for_the_most_overdue_page_and_as_of_totals_only() -> None:
    asked: list[httpx.QueryParams] = []
    answer = fake_services(set())

    def recording(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ageing":
            asked.append(request.url.params)
        return answer(request)

    app = create_app(SETTINGS, transport=httpx.MockTransport(recording),
                     today=lambda: date(2026, 11, 25), authenticator=Authenticator(SECRET, None))
    assert signed_in(app).get("/?as_of=2026-10-01").status_code == 200
    assert {tuple(sorted(p.items())) for p in asked} == {
        (("limit", "5"), ("order", "overdue")), (("as_of", "2026-10-01"), ("limit", "0"))}


def test_a_service_down_leaves_a_notice_and_the_rest_shows() -> None:
    html = client(down=frozenset({"collections"})).get("/").text
    assert html.count("data-notice") >= 4
    assert "The collections service is not reachable" in html
    assert "€275.50" in html  # unapplied cash from cash-application still shows


def test_customer_page() -> None:
    html = client().get("/customers/C-ACME").text
    for shown in ("Acme Tools GmbH", "INV-2026-000001", "€1,480.00", "on credit hold",
                  "−€329.90", "Dear Acme, again", "€300.00"):
        assert shown in html, shown


def test_customer_page_says_who_did_what_on_the_account() -> None:
    html = client().get("/customers/C-ACME").text
    for shown in ("Who did what", "Credit note issued", "fay@finance.example",
                  'data-actor="component">cash-application', 'data-actor="unknown">unknown'):
        assert shown in html, shown


def test_customer_page_says_the_late_payment_interest_earned() -> None:
    html = client().get("/customers/C-ACME").text
    assert "Late-payment interest and indemnities earned so far" in html and "€56.68" in html


def test_customer_page_shows_contacts_and_how_each_letter_went() -> None:
    html = client().get("/customers/C-ACME").text
    for shown in ("Hanna Weber", "h.weber@acme.example", "Mon-Thu 8-12", 'data-delivery="emailed"',
                  'data-delivery="print"', "/customers/C-ACME/letters/rem-2.pdf"):
        assert shown in html, shown


def test_a_letters_pdf_is_fetched_as_the_signed_in_person() -> None:
    pdf = client().get("/customers/C-ACME/letters/rem-2.pdf")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 letter"
    assert pdf.headers["content-type"] == "application/pdf"
    assert client().get("/customers/C-ACME/letters/rem-9.pdf").status_code == 404


def test_an_invoice_is_one_click_away_as_issued() -> None:
    c = client()
    assert 'href="/invoices/inv-3.pdf"' in c.get("/customers/C-ACME").text
    pdf = c.get("/invoices/inv-3.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_the_customer_page_lists_the_e_invoices_and_serves_them() -> None:
    c = client()
    html = c.get("/customers/C-ACME").text
    for shown in ("Factur-X (PDF/A-3 + CII)", "Accepted", 'href="/e-invoices/einv-inv-1"',
                  "credit note cn-1"):
        assert shown in html, shown
    document = c.get("/e-invoices/einv-inv-1")
    assert document.status_code == 200 and document.content == b"%PDF-1.7 factur-x"
    assert c.get("/e-invoices/einv-cn-1").status_code == 404  # still queued


def test_customer_page_with_credit_down() -> None:
    html = client(down=frozenset({"credit"})).get("/customers/C-ACME").text
    assert "The credit service is not reachable" in html and "INV-2026-000001" in html


def test_unknown_customer_and_bad_date() -> None:
    c = client()
    assert "knows nothing about this" in c.get("/customers/NOBODY").text
    assert "not valid" in c.get("/?as_of=yesterday").text
    assert c.get("/customers", params={"customer_id": " C-ACME "}, follow_redirects=False
                 ).headers["location"] == "/customers/C-ACME"


def test_health_reports_each_service() -> None:
    answer = client(down=frozenset({"credit"})).get("/health").json()
    assert answer["status"] == "ok"
    assert answer["services"] == {"credit": False, "invoicing": True, "cash-application": True,
                                  "collections": True}


def test_the_overview_shows_the_cash_forecast_per_week_and_currency() -> None:
    html = client().get("/").text
    for shown in ("Cash forecast", "2026-12-02", "€849.90", "$12.35", "€2,329.90",
                  "1 disputed invoice(s) not expected"):
        assert shown in html, shown


def test_a_dunning_what_if_compares_the_live_ladder_with_another() -> None:
    empty = client().get("/what-if").text
    assert "Compare" in empty and "data-what-if-row" not in empty
    html = client().get("/what-if", params={"from": "2026-04-01", "to": "2026-06-30",
                                            "days_after_due": "10,30,45,60"}).text
    assert html.count("data-what-if-row") == 7 and "-29" in html and "43 run days" in html


def test_the_forecast_page_shows_how_past_forecasts_fared() -> None:
    html = client().get("/forecast").text
    for shown in ("Next 13 weeks", "5.3 days", "€3,710.29", "$2,201.84", "€76,877.23",
                  "€78,127.22", "$0.00"):
        assert shown in html, shown
    assert html.count("data-backtest-row") == 2
