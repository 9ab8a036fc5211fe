"""From invoice and payment events on Kafka to holds placed and released, end to end: the
consumer folds exposure, the hold rules append through the event store, the relay publishes,
the consumer reads our own events back into the credit view."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_credit.application import automatic_holds
from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from ..unit.credit_scenarios import CUSTOMER, allocated, invoice, written_off
from .credit_service import CreditUnderTest

pytestmark = pytest.mark.integration


def holds(view: dict[str, Any], key: str) -> list[tuple[str, str]]:
    return [(h["reason"], h["hold_id"]) for h in view.get(key, [])]


async def test_over_limit_hold_placed_then_released_by_payment(
    credit: CreditUnderTest, topics: Topics
) -> None:
    await credit.set_limit(CUSTOMER, "1000.00")
    await credit.publish(topics.invoicing, invoice("i1", "1500"))

    async def placed() -> bool:
        return holds(await credit.view(CUSTOMER), "active_holds") == [("over_limit", "over_limit-2")]

    await eventually(placed)
    view = await credit.view(CUSTOMER)
    assert view["currencies"] == [{
        "currency": "EUR", "limit": "1000.00", "open_ar": "1500.00", "open_orders": "0.00",
        "exposure": "1500.00", "available": "0.00", "disputed": "0.00"}]
    assert view["active_holds"][0]["detail"] == "exposure 1,500.00 EUR over limit 1,000.00 EUR"

    await credit.publish(topics.cash_application, allocated("a1", "i1", "1500"))

    async def released() -> bool:
        view = await credit.view(CUSTOMER)
        return (holds(view, "released_holds") == [("over_limit", "over_limit-2")]
                and not view["active_holds"])

    await eventually(released)
    view = await credit.view(CUSTOMER)
    assert view["released_holds"][0]["released_by"] == "credit-rules"
    assert view["currencies"][0]["available"] == "1000.00"


async def test_overdue_and_written_off_holds_follow_their_cause(
    credit: CreditUnderTest, topics: Topics
) -> None:
    # The clock says 10 March 2026: an invoice due on 1 January is 68 days overdue.
    await credit.publish(topics.invoicing, invoice("i1", "300", due=date(2026, 1, 1)))
    await credit.publish(topics.collections, written_off("w1", "i1", "100"))

    async def both_placed() -> bool:
        reasons = {r for r, _ in holds(await credit.view(CUSTOMER), "active_holds")}
        return reasons == {"overdue", "written_off"}

    await eventually(both_placed)
    await credit.publish(topics.cash_application, allocated("a1", "i1", "200"))

    async def overdue_released() -> bool:
        view = await credit.view(CUSTOMER)
        return [r for r, _ in holds(view, "released_holds")] == ["overdue"]

    await eventually(overdue_released)
    view = await credit.view(CUSTOMER)
    assert [r for r, _ in holds(view, "active_holds")] == ["written_off"]
    assert Decimal(view["payment_behaviour"]["net_written_off"]) == 100


async def test_the_sweep_places_an_overdue_hold_as_days_pass(
    credit: CreditUnderTest, topics: Topics
) -> None:
    await credit.publish(topics.invoicing, invoice("i1", "300", due=date(2026, 3, 1)))

    async def counted() -> bool:
        return bool((await credit.view(CUSTOMER)).get("currencies"))

    await eventually(counted)
    assert not (await credit.view(CUSTOMER))["active_holds"]
    credit.clock.now = credit.clock.now.replace(month=5)  # 70 days after the due date
    await credit.service.automatic_holds().sweep(credit.settings.read_schema)

    async def placed() -> bool:
        return [r for r, _ in holds(await credit.view(CUSTOMER), "active_holds")] == ["overdue"]

    await eventually(placed)
    events = await credit.service.store.read_all()
    assert [e.event_type for e in events] == ["credit.CreditHoldPlaced"]
    await credit.service.automatic_holds().sweep(credit.settings.read_schema)  # again: nothing
    assert len(await credit.service.store.read_all()) == 1


async def test_the_sweep_reads_accounts_chunk_by_chunk_and_holds_each_customer_once(
    credit: CreditUnderTest, topics: Topics, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(automatic_holds, "HISTORIES_PER_READ", 2)
    customers = [f"C-20{n}" for n in range(5)]
    for n, customer in enumerate(customers):
        await credit.publish(topics.invoicing,
                             invoice(f"i{n}", "300", due=date(2026, 3, 1), customer=customer))

    async def counted() -> bool:
        return all([bool((await credit.view(c)).get("currencies")) for c in customers])

    await eventually(counted)
    credit.clock.now = credit.clock.now.replace(month=5)  # 70 days after the due date
    for _ in range(2):  # the second sweep finds every hold in place
        await credit.service.automatic_holds().sweep(credit.settings.read_schema)
    placed = [e for e in await credit.service.store.read_all()
              if e.event_type == "credit.CreditHoldPlaced"]
    assert sorted(e.customer_id or "" for e in placed) == customers
