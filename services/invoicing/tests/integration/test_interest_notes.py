"""Late-payment interest collections claims becomes an interest note: an invoice of series INT,
in the customer's language, due at once, with the interest and the indemnity as its lines; the
same claim twice bills once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledgerline_events.contract.base import new_envelope
from ledgerline_events.contract.late_interest import LateInterestClaimed
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Customer, Language
from ledgerline_events.testing import eventually

from .invoicing_service import Service

pytestmark = pytest.mark.integration


async def test_a_claim_is_billed_once_on_an_interest_note_in_the_customers_language(
    service: Service,
) -> None:
    claim = LateInterestClaimed(
        claim_id="lic-1", invoice_id="inv-late", invoice_number="INV-2026-000042",
        customer=Customer(customer_id="C-ROSSI", name="Rossi S.p.A.", language=Language.IT,
                          country="IT"),
        as_of=date(2026, 3, 2), days=30, interest=Money.of("16.68", "EUR"),
        indemnity=Money.of("40.00", "EUR"), claimed_by="fay")
    envelope = new_envelope(claim, aggregate_id="late-interest:inv-late", aggregate_version=1,
                            customer_id="C-ROSSI", producer="collections",
                            occurred_at=datetime(2026, 3, 2, 10, tzinfo=UTC))
    await service.publish(service.topics.collections, envelope, envelope, key=b"C-ROSSI")

    [note] = await eventually(lambda: service.invoices(customer_id="C-ROSSI"))
    assert note["invoice_number"].startswith("INT-2026-")
    assert (note["gross_total"], note["tax_total"], note["due_date"]) == (
        "56.68", "0.00", note["issue_date"])
    detail = (await service.http.get(f"/invoices/{note['invoice_id']}")).json()
    assert [line["description"] for line in detail["lines"]] == [
        "Interessi di mora sulla fattura INV-2026-000042 (30 giorni al 2026-03-02)",
        "Indennizzo forfettario per i costi di recupero, fattura INV-2026-000042 "
        "(D.Lgs. 231/2002)"]
    assert len(await service.invoices(customer_id="C-ROSSI")) == 1  # the copy billed nothing
