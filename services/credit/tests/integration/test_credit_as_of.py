"""Credit checks as of a business date: a check for a past date, made after the rest of the
history arrived (or with the whole history loaded after the fact), gives what checking on
that date would have given; a date after today is refused with field and rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.testing import eventually

from ..unit.credit_scenarios import (
    allocated,
    dispute_opened,
    invoice,
    promise_broken,
)
from .credit_service import CreditUnderTest

pytestmark = pytest.mark.integration

ORDER_DAY = date(2026, 1, 20)


def dated(envelope: Envelope, day: date, **payload: Any) -> Envelope:
    """The event as it happened on `day` (business time)."""
    return envelope.model_copy(update={
        "occurred_at": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        "payload": envelope.payload.model_copy(update=payload)})


def history(c: str) -> tuple[list[tuple[str, Envelope]], list[tuple[str, Envelope]]]:
    """Invoice a (due 12-31) paid 15 days late on 01-15; invoice b due 02-04, unpaid; after
    the order's day: b disputed on 03-01, a promise broken on 02-20."""
    paid = allocated(f"{c}-pay", f"{c}-a", "1000", on=date(2026, 1, 15))
    by_then = [
        ("invoicing", dated(invoice(f"{c}-a", "1000", due=date(2025, 12, 31), customer=c),
                            date(2025, 12, 1), issue_date=date(2025, 12, 1))),
        ("invoicing", dated(invoice(f"{c}-b", "500", due=date(2026, 2, 4), customer=c),
                            date(2026, 1, 5), issue_date=date(2026, 1, 5))),
        ("cash_application", dated(paid, date(2026, 1, 15)).model_copy(update={"customer_id": c})),
    ]
    later = [
        ("collections", dated(dispute_opened(f"{c}-d", f"{c}-b", "500"), date(2026, 3, 1),
                              opened_on=date(2026, 3, 1)).model_copy(update={"customer_id": c})),
        ("collections", dated(promise_broken(f"{c}-p"), date(2026, 2, 20),
                              broken_on=date(2026, 2, 20)).model_copy(update={"customer_id": c})),
    ]
    return by_then, later


async def publish(credit: CreditUnderTest, topics: Topics, events: list[tuple[str, Envelope]]
                  ) -> None:
    for topic, e in events:
        await credit.publish(getattr(topics, topic), e)


async def check(credit: CreditUnderTest, customer: str, key: str, **extra: str) -> dict[str, Any]:
    body = {"customer_id": customer, "order_ref": "SO-20",
            "amount": {"amount": "100.00", "currency": "EUR"}, **extra}
    r = await credit.http.post("/credit-checks", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return {k: v for k, v in answer.items() if k not in ("check_id", "customer_id")}


async def settled(credit: CreditUnderTest, customer: str, *, disputed: str,
                  broken_promises: int) -> None:
    """Every event of the history so far applied: 500.00 open (a paid late, b unpaid)."""
    async def known() -> bool:
        view = await credit.view(customer)
        behaviour = view.get("payment_behaviour", {})
        return bool(view.get("currencies")) and (
            view["currencies"][0]["open_ar"], view["currencies"][0]["disputed"],
            behaviour.get("paid_invoices"), behaviour.get("broken_promises"),
        ) == ("500.00", disputed, 1, broken_promises)

    await eventually(known)


async def test_a_check_for_a_past_date_gives_what_checking_that_day_gave(
    credit: CreditUnderTest, topics: Topics
) -> None:
    lived_by_then, lived_later = history("C-L")
    credit.clock.now = datetime(2026, 1, 20, 12, tzinfo=UTC)  # lived: on the order's day
    await credit.set_limit("C-L", "5000.00")
    await publish(credit, topics, lived_by_then)
    await settled(credit, "C-L", disputed="0.00", broken_promises=0)
    that_day = await check(credit, "C-L", "lived")
    assert that_day["decision"] == "approve" and that_day["risk_score"] == 40

    credit.clock.now = datetime(2026, 3, 10, 12, tzinfo=UTC)  # the rest of the story
    await publish(credit, topics, lived_later)
    await settled(credit, "C-L", disputed="500.00", broken_promises=1)
    assert await check(credit, "C-L", "lived-again", as_of="2026-01-20") == that_day

    loaded_by_then, loaded_later = history("C-H")  # loaded: all of it entered on 03-10
    limit = await credit.http.put("/customers/C-H/credit-limits/EUR", json={
        "limit": "5000.00", "set_by": "anna", "reason": "history",
        "occurred_at": "2025-11-30T09:00:00Z"})
    assert limit.status_code == 200, limit.text
    await publish(credit, topics, loaded_later + loaded_by_then)
    await settled(credit, "C-H", disputed="500.00", broken_promises=1)
    assert await check(credit, "C-H", "loaded", as_of="2026-01-20") == that_day

    today = await check(credit, "C-H", "today")
    assert today["decision"] == "refer" and today["as_of"] == "2026-03-10"
    assert "invoice overdue 34 days (threshold 30)" in today["reasons"]
    assert today["risk_score"] == 49  # + a broken promise, + a dispute


async def test_a_check_dated_after_today_is_refused_with_field_and_rule(
    credit: CreditUnderTest,
) -> None:
    r = await credit.http.post("/credit-checks", headers={"Idempotency-Key": "future"}, json={
        "customer_id": "C-F", "order_ref": "SO-1", "as_of": "2099-12-31",
        "amount": {"amount": "10.00", "currency": "EUR"}})
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["rule"]) == ("as_of", "not_in_the_future")
    beyond = await credit.http.post("/credit-checks", headers={"Idempotency-Key": "beyond"}, json={
        "customer_id": "C-F", "order_ref": "SO-1", "as_of": "9999-12-31",
        "amount": {"amount": "10.00", "currency": "EUR"}})
    assert beyond.status_code == 422  # the value policy's window, before any business rule
    assert (beyond.json()["field"], beyond.json()["rule"]) == ("as_of", "date_outside_window")
    limit = await credit.http.put("/customers/C-F/credit-limits/EUR", json={
        "limit": "10.00", "set_by": "anna", "reason": "x", "occurred_at": "2027-01-01T00:00:00Z"})
    assert limit.status_code == 422 and limit.json()["rule"] == "not_in_the_future"


async def test_a_hold_from_a_history_loaded_late_takes_effect_when_its_cause_arose(
    credit: CreditUnderTest, topics: Topics
) -> None:
    limit = await credit.http.put("/customers/C-O/credit-limits/EUR", json={
        "limit": "5000.00", "set_by": "anna", "reason": "history",
        "occurred_at": "2025-11-30T09:00:00Z"})
    assert limit.status_code == 200, limit.text
    unpaid = dated(invoice("C-O-a", "1000", due=date(2026, 1, 1), customer="C-O"),
                   date(2025, 12, 1), issue_date=date(2025, 12, 1))
    await credit.publish(topics.invoicing, unpaid)  # 68 days overdue on 03-10: held

    async def held() -> bool:
        return bool((await credit.view("C-O")).get("active_holds"))

    await eventually(held)
    (placed,) = [e for e in await credit.service.store.read_all()
                 if e.event_type == "credit.CreditHoldPlaced"]
    assert placed.occurred_at == datetime(2026, 3, 3, tzinfo=UTC)  # due + 60 days + 1
    before = await check(credit, "C-O", "before-hold", as_of="2026-03-02")
    after = await check(credit, "C-O", "after-hold", as_of="2026-03-03")
    assert not any(r.startswith("on credit hold") for r in before["reasons"])
    assert after["decision"] == "reject" and "on credit hold: overdue" in after["reasons"]
