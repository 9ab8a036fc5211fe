"""Each value the edge probe of issue 21 found answered with a 500, or accepted and then
shown rounded, is now refused with 422 `{detail, rule, field}` and nothing is written:
non-strict JSON, lone surrogates, NUL characters, amounts too large or below the currency's
minor unit, dates at the calendar's ends, and tokens whose approval limit is not a number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration
Headers = Callable[..., dict[str, str]]


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def invoice(*, description: str = "widget", quantity: str = "1", unit_price: str = "10.00",
            issue_date: str = "2026-03-02") -> dict[str, Any]:
    return {"customer": {"customer_id": "C-EDGE", "name": "Edge Ltd"}, "currency": "EUR",
            "lines": [{"description": description, "quantity": quantity,
                       "unit_price": unit_price, "tax_rate": "20"}],
            "payment_terms": {"kind": "net", "net_days": 30}, "issue_date": issue_date}


def payment(amount: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"amount": amount, "received_on": "2026-03-05", "customer_id": "C-EDGE", **extra}


LIMIT = {"limit": "1000.00", "set_by": "fay", "reason": "new customer"}
CHECK = {"customer_id": "C-EDGE", "order_ref": "SO-1", "amount": eur("10.00")}
WRITE_OFF = {"amount": eur("10.00"), "reason": "insolvent"}

# (service, method, path, raw JSON body, rule): the raw text is sent as is.
NOT_STRICT = [
    ("cash-application", "POST", "/payments",
     '{"amount": {"amount": NaN, "currency": "EUR"}, "received_on": "2026-03-05"}'),
    ("invoicing", "POST", "/invoices", '{"customer": Infinity}'),
    ("credit", "PUT", "/customers/C-EDGE/credit-limits/EUR",
     '{"limit": NaN, "set_by": "fay", "reason": "r"}'),
    ("collections", "POST", "/invoices/i-edge/write-offs",
     '{"amount": {"amount": -Infinity, "currency": "EUR"}, "reason": "r"}'),
    ("credit", "POST", "/credit-checks",
     '{"customer_id": "C", "order_ref": "SO", "amount": {"amount": NaN, "currency": "EUR"}}'),
]
# (service, method, path, JSON body, rule, field)
REFUSED: list[tuple[str, str, str, dict[str, Any], str, str]] = [
    ("invoicing", "POST", "/invoices", invoice(unit_price="1e30"), "amount_too_large",
     "lines[0].unit_price"),
    ("invoicing", "POST", "/invoices", invoice(quantity="1e20"), "amount_too_large",
     "lines[0].quantity"),
    ("invoicing", "POST", "/invoices", invoice(issue_date="9999-12-31"), "date_outside_window",
     "issue_date"),
    ("invoicing", "POST", "/invoices", invoice(description="wid\x00get"), "nul_character",
     "lines[0].description"),
    ("invoicing", "POST", "/invoices/i-edge/credit-notes", {"amount": eur("1e30"), "reason": "r"},
     "amount_too_large", "amount.amount"),
    ("credit", "PUT", "/customers/C-EDGE/credit-limits/EUR", {**LIMIT, "limit": "1e30"},
     "amount_too_large", "limit"),
    ("credit", "POST", "/credit-checks", {**CHECK, "amount": eur("1e30")}, "amount_too_large",
     "amount.amount"),
    ("cash-application", "POST", "/payments", payment(eur("1e30")), "amount_too_large",
     "amount.amount"),
    ("cash-application", "POST", "/payments", payment(eur("1.001")), "below_minor_unit",
     "amount.amount"),
    ("cash-application", "POST", "/payments", payment({"amount": "1.5", "currency": "JPY"}),
     "below_minor_unit", "amount.amount"),
    ("cash-application", "POST", "/payments", payment(eur("5.00"), payer_name="Ann\x00"),
     "nul_character", "payer_name"),
    ("collections", "POST", "/invoices/i-edge/write-offs", {**WRITE_OFF, "amount": eur("0.001")},
     "below_minor_unit", "amount.amount"),
]


async def stored_events(in_process: Any) -> dict[str, int]:
    counts = {}
    for name, app in in_process.apps.items():
        runtime = app.state.runtime
        async with runtime.pool.acquire() as conn:
            counts[name] = await conn.fetchval(
                f'SELECT count(*) FROM "{runtime.settings.write_schema}".event')
    return counts


def assert_refusal(answer: httpx.Response, rule: str, field: str | None = None) -> None:
    assert answer.status_code == 422, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["rule"] == rule and body["detail"], body
    if field is not None:
        assert body["field"] == field, body


@pytest.mark.parametrize(("service", "method", "path", "raw"), NOT_STRICT)
async def test_json_that_is_not_strict_json_is_422(
    service: str, method: str, path: str, raw: str, in_process: Any, auth_headers: Headers,
) -> None:
    before = await stored_events(in_process)
    answer = await in_process.clients[service].request(
        method, path, content=raw.encode(),
        headers={**auth_headers(), "content-type": "application/json", "Idempotency-Key": "nan"})
    assert_refusal(answer, "strict_json", "body")
    assert await stored_events(in_process) == before


async def test_a_lone_surrogate_in_a_string_is_422(in_process: Any, auth_headers: Headers) -> None:
    headers = {**auth_headers(), "content-type": "application/json", "Idempotency-Key": "sur"}
    for service, path, raw in [
        ("cash-application", "/payments", '{"amount": {"amount": "5.00", "currency": "EUR"}, '
                                          '"received_on": "2026-03-05", "payer_name": "\\ud800"}'),
        ("invoicing", "/invoices", '{"lines": [{"description": "a\\udfffb"}]}'),
    ]:
        answer = await in_process.clients[service].post(path, content=raw.encode(), headers=headers)
        assert_refusal(answer, "unpaired_surrogate", "body")


@pytest.mark.parametrize(("service", "method", "path", "body", "rule", "field"), REFUSED)
async def test_values_outside_the_policy_are_422_naming_field_and_rule_and_nothing_is_written(
    service: str, method: str, path: str, body: dict[str, Any], rule: str, field: str,
    in_process: Any, auth_headers: Headers,
) -> None:
    before = await stored_events(in_process)
    answer = await in_process.clients[service].request(
        method, path, json=body,
        headers={**auth_headers(approval_limit="100000.00"), "Idempotency-Key": f"v-{rule}"})
    assert_refusal(answer, rule, field)
    assert await stored_events(in_process) == before


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                   "9999-12-31", "0001-01-01"])
async def test_as_of_at_the_calendar_ends_is_422(
    as_of: str, in_process: Any, auth_headers: Headers,
) -> None:
    answer = await in_process.clients["collections"].get(
        "/ageing", params={"as_of": as_of}, headers=auth_headers("auditor"))
    assert_refusal(answer, "date_outside_window", "as_of")


@pytest.mark.parametrize("limit", ["NaN", "Infinity", "-Infinity", "sNaN", "1e30",
                                   {"amount": "NaN", "currency": "EUR"}])
async def test_a_token_whose_approval_limit_is_not_a_bounded_number_is_refused(
    limit: Any, in_process: Any, auth_headers: Headers,
) -> None:
    answer = await in_process.clients["collections"].post(
        "/invoices/i-edge/write-offs", json=WRITE_OFF,
        headers={**auth_headers("finance", approval_limit=limit), "Idempotency-Key": "lim"})
    assert answer.status_code == 401 and "approval_limit" in answer.json()["detail"], answer.text


async def test_a_payment_too_large_to_show_is_never_accepted_so_reads_stay_whole(
    in_process: Any, auth_headers: Headers,
) -> None:
    cash = in_process.clients["cash-application"]
    refused = await cash.post("/payments", json=payment(eur("1e30"), customer_id="C-HUGE"),
                              headers={**auth_headers("finance"), "Idempotency-Key": "huge"})
    assert_refusal(refused, "amount_too_large")
    balance = await cash.get("/customers/C-HUGE/balance", headers=auth_headers("auditor"))
    assert balance.status_code == 200 and balance.json()["currencies"] == []


@pytest.mark.parametrize(("amount", "booking_date", "payer"), [
    ("1e30", "2026-03-05", "Ann"), ("1.001", "2026-03-05", "Ann"),
    ("10.00", "9999-12-31", "Ann"), ("10.00", "2026-03-05", "A\x00nn"),
])
async def test_statement_lines_outside_the_policy_refuse_the_file_and_write_nothing(
    amount: str, booking_date: str, payer: str, in_process: Any, auth_headers: Headers,
) -> None:
    csv = ("statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,"
           f"remittance\nST-EDGE,1,2026-03-05,5.00,EUR,Bob,,ok\n"
           f"ST-EDGE,2,{booking_date},{amount},EUR,{payer},,x\n")
    before = await stored_events(in_process)
    answer = await in_process.clients["cash-application"].post(
        "/statements?format=csv", content=csv.encode(),
        headers={**auth_headers("finance"), "content-type": "text/csv"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] and answer.json()["rule"], answer.text
    assert await stored_events(in_process) == before
