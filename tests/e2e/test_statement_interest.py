"""The late-payment interest on a customer's statement, across the services: collections works
out what each invoice earned (rates, disputes, claims), invoicing's statement shows what no
interest note claimed yet beside the balance, and a claim becomes an interest note on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_events.contract.sales import Customer, Language
from ledgerline_events.testing import eventually

from .stack import Stack, running_stack
from .test_ar_invariant import delivery

pytestmark = pytest.mark.integration

BRIE = Customer(customer_id="C-BRIE", name="Fromagerie Brie", language=Language.FR, country="FR")


@pytest.fixture
async def stack(kafka_bootstrap: str, pg_dsn: str, unique_id: str) -> AsyncIterator[Stack]:
    async with running_stack(kafka_bootstrap, pg_dsn, f"e2e{unique_id}") as s:
        yield s


async def statement(stack: Stack, to: str) -> dict[str, Any]:
    """The customer's euro statement since January (empty before its first invoice)."""
    found = await stack.call("invoicing", "GET", "/customers/C-BRIE/statement",
                             params={"from": "2026-01-01", "to": to})
    return dict(found[0]) if found else {"lines": []}


async def test_a_statement_shows_interest_not_yet_claimed_and_the_note_that_claims_it(
    stack: Stack,
) -> None:
    await stack.publish(stack.topics.sales_inbound, [
        delivery("O-LATE", BRIE, "EUR", "1000.00", date(2026, 1, 5))])  # due 4 February
    await stack.call("collections", "PUT", "/reference-rates/2025-06-11",
                     headers={"Idempotency-Key": "ecb-2025-06"},
                     json={"rate": "2.15", "recorded_by": "cfo"})

    async def invoice_known_to_both() -> str | None:
        invoices = (await statement(stack, "2026-03-06"))["lines"]
        if not invoices:
            return None
        found = await stack.http["collections"].get(f"/invoices/{invoices[0]['invoice_id']}")
        return str(invoices[0]["invoice_id"]) if found.status_code == 200 else None
    invoice_id = await eventually(invoice_known_to_both)

    march = await statement(stack, "2026-03-06")
    [accrued] = march["interest_accrued"]
    # 30 days (5 Feb - 6 Mar) on 1000 at 2.15 + 10 %, and the 40 EUR indemnity
    assert (accrued["invoice_id"], accrued["days_accrued"], accrued["interest"],
            accrued["indemnity"], march["interest_accrued_total"]) == (
        invoice_id, 30, "9.99", "40.00", "49.99")
    assert march["closing_balance"] == "1000.00"  # beside the balance, not in it
    said = await stack.call("collections", "GET", f"/invoices/{invoice_id}/late-interest",
                            params={"as_of": "2026-03-06"})
    assert (said["interest"]["amount"], said["indemnity"]["amount"]) == ("9.99", "40.00")

    claim = await stack.call("collections", "POST", f"/invoices/{invoice_id}/late-interest/claims",
                             headers={"Idempotency-Key": "claim-march"},
                             json={"as_of": "2026-03-06", "claimed_by": "fay"})
    assert claim["interest"]["amount"] == "9.99"
    today = datetime.now(UTC).date().isoformat()

    async def note_on_statement() -> dict[str, Any] | None:
        found = await statement(stack, today)
        return found if any(m["reference"].startswith("INT") for m in found["lines"]) else None
    now = await eventually(note_on_statement)
    [note] = [m for m in now["lines"] if m["reference"].startswith("INT")]
    assert Decimal(note["amount"]) == Decimal("49.99")  # the claim, now owed
    assert Decimal(now["closing_balance"]) == Decimal("1049.99")
    earned = await stack.call("collections", "GET", f"/invoices/{invoice_id}/late-interest",
                              params={"as_of": today})
    [still] = [i for i in now["interest_accrued"] if i["invoice_id"] == invoice_id]
    # what it earned since, not what the note already claims; the indemnity only once
    assert Decimal(still["interest"]) == Decimal(earned["interest"]["amount"]) - Decimal("9.99")
    assert still["indemnity"] == "0.00"
    # the statement to 6 March, printed again: the note dated 6 March is on it, so nothing
    # of what it claims is shown as still accrued (not counted twice)
    march_again = await statement(stack, "2026-03-06")
    assert [m["reference"][:3] for m in march_again["lines"]] == ["INV", "INT"]
    assert march_again["interest_accrued"] == []

    pdf = await stack.http["invoicing"].get("/customers/C-BRIE/statement/pdf",
                                            params={"from": "2026-01-01", "to": "2026-03-06"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
