"""The credit-check endpoint and the write endpoints' rules, against the real database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from ..unit.credit_scenarios import CUSTOMER, invoice, order_placed
from .credit_service import CreditUnderTest

pytestmark = pytest.mark.integration


def order(ref: str, amount: str = "100.00", customer: str = CUSTOMER) -> dict[str, Any]:
    return {"customer_id": customer, "order_ref": ref,
            "amount": {"amount": amount, "currency": "EUR"}}


async def check(credit: CreditUnderTest, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await credit.http.post("/credit-checks", json=body,
                                      headers={"Idempotency-Key": key})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_fifty_concurrent_checks_are_all_answered_and_recorded_once(
    credit: CreditUnderTest, topics: Topics
) -> None:
    await credit.set_limit(CUSTOMER, "10000.00")
    await credit.publish(topics.invoicing, invoice("i1", "1000"))
    await credit.publish(topics.sales_inbound, order_placed("SO-0", "100.00"))

    async def counted() -> bool:
        view = await credit.view(CUSTOMER)
        return bool(view) and any(c["exposure"] == "1100.00" for c in view["currencies"])

    await eventually(counted)
    answers = await asyncio.gather(*(check(credit, f"k{i}", order(f"SO-{i}"))
                                     for i in range(50)))
    assert {a["decision"] for a in answers} == {"approve"}
    assert len({a["check_id"] for a in answers}) == 50
    # SO-0 is already among the open orders: it is not counted twice.
    assert answers[0]["exposure"] == {"amount": "1000.00", "currency": "EUR"}
    assert answers[1]["exposure"] == {"amount": "1100.00", "currency": "EUR"}
    assert answers[1]["available"] == {"amount": "8900.00", "currency": "EUR"}
    assert answers[1]["reasons"] == ["within limit: 8,800.00 EUR available after this order"]

    again = await check(credit, "k7", order("SO-7"))
    assert again == answers[7]
    reused = await credit.http.post("/credit-checks", json=order("SO-other"),
                                    headers={"Idempotency-Key": "k7"})
    assert reused.status_code == 422
    decided = [e for e in await credit.service.store.read_all()
               if e.event_type == "credit.CreditCheckDecided"]
    assert len(decided) == 50

    async def all_in_view() -> bool:
        return len((await credit.view(CUSTOMER))["recent_decisions"]) == 50

    await eventually(all_in_view)


async def test_checks_refer_without_limit_and_reject_on_hold(
    credit: CreditUnderTest, auth_headers: Callable[..., dict[str, str]]
) -> None:
    first = await check(credit, "c1", order("SO-1"))
    assert (first["decision"], first["reasons"]) == ("refer", ["no credit limit set in EUR"])
    assert first["limit"] is None and first["available"] is None

    placed = await credit.http.post(f"/customers/{CUSTOMER}/holds", headers={
        "Idempotency-Key": "h1"}, json={"placed_by": "carl", "detail": "fraud check"})
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["hold_id"]
    await credit.set_limit(CUSTOMER, "5000")
    rejected = await check(credit, "c2", order("SO-2"))
    assert (rejected["decision"], rejected["reasons"]) == ("reject", ["on credit hold: manual"])

    release = f"/customers/{CUSTOMER}/holds/{hold_id}/release"
    body = {"released_by": "dana", "reason": "checked"}
    collector = {**auth_headers("collector"), "Idempotency-Key": "r0"}
    forbidden = await credit.http.post(release, json=body, headers=collector)
    assert forbidden.status_code == 403
    released = await credit.http.post(release, json=body,
                                      headers={"Idempotency-Key": "r1"})
    assert released.status_code == 200, released.text
    replayed = await credit.http.post(release, json=body,
                                      headers={"Idempotency-Key": "r1"})
    assert replayed.json() == released.json()
    twice = await credit.http.post(release, json=body,
                                   headers={"Idempotency-Key": "r2"})
    assert twice.status_code == 409
    unknown = await credit.http.post(f"/customers/{CUSTOMER}/holds/manual-99/release",
                                     json=body, headers={"Idempotency-Key": "r3"})
    assert unknown.status_code == 404
    approved = await check(credit, "c3", order("SO-3"))
    assert approved["decision"] == "approve"


@pytest.mark.parametrize(("method", "path", "body", "headers", "loc", "rule"), [
    ("put", "/customers/C-1/credit-limits/XXX", {"limit": "1", "set_by": "a", "reason": "r"},
     {}, ["path", "currency"], "iso_4217"),
    ("put", "/customers/C-1/credit-limits/EUR", {"limit": "-5", "set_by": "a", "reason": "r"},
     {}, ["body", "limit", "amount"], "non_negative"),
    ("put", "/customers/C-1/credit-limits/EUR", {"limit": "1.005", "set_by": "a", "reason": "r"},
     {}, ["body", "limit", "amount"], "minor_unit"),
    ("put", "/customers/C-1/credit-limits/EUR", {"limit": 1.5, "set_by": "a", "reason": "r"},
     {}, ["body", "limit"], "value_error"),
    ("post", "/credit-checks", order("SO-1", "0"), {"Idempotency-Key": "x"},
     ["body", "amount", "amount"], "positive"),
    ("post", "/credit-checks", order("SO-1"), {}, ["header", "Idempotency-Key"], "missing"),
    ("post", "/credit-checks", {**order("SO-1"), "amount": {"amount": "1", "currency": "EUX"}},
     {"Idempotency-Key": "x"}, ["body", "amount", "currency"], "value_error"),
])
async def test_bad_input_names_field_and_rule(credit: CreditUnderTest, method: str, path: str,
                                              body: dict[str, Any], headers: dict[str, str],
                                              loc: list[str], rule: str) -> None:
    response = await getattr(credit.http, method)(path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    [problem] = response.json()["errors"]
    assert (problem["loc"], problem["type"]) == (loc, rule)


async def test_an_unknown_customer_has_no_credit_view(credit: CreditUnderTest) -> None:
    assert (await credit.http.get("/customers/nobody/credit")).status_code == 404
