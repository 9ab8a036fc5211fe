"""The dashboard behind sign-in: without a session every page is the sign-in page (and no
service is read); a finance person signs in with a token the services accept and the
services are then read with that person's token; machine roles, bad, forged and expired
tokens do not sign in; what each role sees follows its role; sign-out ends the session."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from ledgerline_dashboard.app import create_app
from ledgerline_dashboard.config import DashboardSettings
from ledgerline_dashboard.signin import COOKIE

from ledgerline_events.runtime.auth import Authenticator, mint_token

SECRET = "access-test-secret-of-at-least-thirty-two-bytes"
SETTINGS = DashboardSettings(credit_url="http://credit", invoicing_url="http://invoicing",
                             cash_application_url="http://cash",
                             collections_url="http://collections")
UNAPPLIED = {"payments": [{"payment_id": "p-1", "received_on": "2026-11-20", "customer_id": None,
                           "payer_name": "Mystery Payer", "remittance": "inv 77",
                           "amount": {"amount": "90.00", "currency": "EUR"},
                           "unapplied": {"amount": "90.00", "currency": "EUR"}}]}


class FakeServices:
    """Answers every read with an empty result and remembers who asked."""

    def __init__(self) -> None:
        self.asked_with: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked_with.append(request.headers.get("authorization"))
        answers: dict[str, Any] = {
            "/ageing": {"buckets": ["current", "1-30"], "currencies": {}, "customer_count": 0,
                        "customers": {},
                        "page": {"order": "overdue", "limit": 5, "after": None,
                                 "next_after": None, "ranking": {}}},
            "/worklist": [], "/disputes": [], "/unapplied": UNAPPLIED,
            "/kpis": {"currencies": {}}, "/invoices": [],
        }
        path = request.url.path
        if path in answers:
            return httpx.Response(200, json=answers[path])
        return httpx.Response(404, json={"detail": "unknown"})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def browser(services: FakeServices) -> TestClient:
    app = create_app(SETTINGS, transport=httpx.MockTransport(services),
                     today=lambda: date(2026, 11, 25), authenticator=Authenticator(SECRET, None))
    return TestClient(app)


def sign_in(browser: TestClient, token: str, next_path: str = "/") -> httpx.Response:
    return browser.post("/sign-in", data={"token": token, "next": next_path},
                        follow_redirects=False)


def test_without_a_session_every_page_is_the_sign_in_page_and_nothing_is_read(
    browser: TestClient, services: FakeServices,
) -> None:
    for path in ["/", "/customers/C-ACME", "/customers?customer_id=C-1", "/?as_of=2026-10-01"]:
        answer = browser.get(path, follow_redirects=False)
        assert answer.status_code == 401 and "data-token-input" in answer.text, path
    assert services.asked_with == []
    assert browser.get("/health").status_code == 200  # liveness stays public


def test_a_finance_person_signs_in_and_the_services_are_read_with_their_token(
    browser: TestClient, services: FakeServices,
) -> None:
    token = mint_token(SECRET, "fay", ["finance"])
    signed = sign_in(browser, token, "/customers/C-ACME")
    assert signed.status_code == 303 and signed.headers["location"] == "/customers/C-ACME"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
    overview = browser.get("/")
    assert overview.status_code == 200 and "fay" in overview.text
    assert "Mystery Payer" in overview.text  # finance sees unapplied cash
    assert services.asked_with and set(services.asked_with) == {f"Bearer {token}"}

    out = browser.post("/sign-out", follow_redirects=False)
    assert out.status_code == 303
    assert browser.get("/", follow_redirects=False).status_code == 401


@pytest.mark.parametrize(("token", "problem"), [
    (mint_token(SECRET, "erp", ["sales-system"]), "for systems, not for people"),
    (mint_token("another-secret-of-at-least-thirty-two-bytes", "fay", ["admin"]), "Signature"),
    (mint_token(SECRET, "fay", ["finance"], ttl_s=-10), "expired"),
    (mint_token(SECRET, "fay", ["finance"], ttl_s=None), "exp"),
    ("", "Paste your access token"),
])
def test_machine_roles_and_bad_tokens_do_not_sign_in(
    browser: TestClient, token: str, problem: str,
) -> None:
    answer = sign_in(browser, token)
    assert answer.status_code == 401 and problem in answer.text
    assert COOKIE not in answer.headers.get("set-cookie", "")
    browser.cookies.set(COOKIE, token)  # a cookie made by hand is checked just the same
    assert browser.get("/", follow_redirects=False).status_code == 401


def test_what_each_role_sees_follows_its_role(
    browser: TestClient, services: FakeServices,
) -> None:
    sign_in(browser, mint_token(SECRET, "cole", ["collector"]))
    collector = browser.get("/").text
    assert "Collector worklist" in collector and "Unapplied cash" not in collector
    assert not any(h is None for h in services.asked_with)
    sign_in(browser, mint_token(SECRET, "aud", ["auditor"]))
    assert "Unapplied cash" in browser.get("/").text


def test_sign_in_never_sends_the_person_to_another_site(browser: TestClient) -> None:
    token = mint_token(SECRET, "fay", ["finance"])
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        assert sign_in(browser, token, target).headers["location"] == "/"
