"""Which events move an invoice's open amount, and by how much."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledgerline_collections.domain.movements import movement_of
from ledgerline_events.contract import Event, Money, new_envelope
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    MatchReason,
    PaymentAllocated,
    PaymentMethod,
    PaymentReceived,
)
from ledgerline_events.contract.collections import DebtWrittenOff, WrittenOffDebtRecovered
from ledgerline_events.contract.invoicing import CreditNoteIssued, InvoiceCancelled

D = date(2026, 3, 1)
EUR = "EUR"


def eur(amount: str) -> Money:
    return Money.of(amount, EUR)


@pytest.mark.parametrize(
    ("event", "delta", "kind"),
    [
        (CreditNoteIssued(credit_note_id="cn", credit_note_number="CN1", invoice_id="i",
                          amount=eur("10"), reason="r", issue_date=D), "-10", "credit_note"),
        (InvoiceCancelled(invoice_id="i", amount=eur("100"), reason="r", cancelled_on=D),
         "-100", "cancelled"),
        (PaymentAllocated(allocation_id="a", payment_id="p", invoice_id="i", amount=eur("98"),
                          discount=eur("2"), match_reason=MatchReason.EARLY_PAYMENT_DISCOUNT,
                          allocated_on=D), "-100", "allocated"),
        (AllocationReversed(allocation_id="a", payment_id="p", invoice_id="i", amount=eur("98"),
                            discount=eur("2"), reason="bounced", reversed_on=D),
         "100", "allocation_reversed"),
        (DebtWrittenOff(write_off_id="w", invoice_id="i", amount=eur("30"), reason="insolvent",
                        approver="cfo", written_off_on=D), "-30", "written_off"),
        (WrittenOffDebtRecovered(recovery_id="r", write_off_id="w", invoice_id="i",
                                 amount=eur("5"), recovered_on=D), "5", "recovered"),
    ],
)
def test_each_event_moves_the_open_amount(event: Event, delta: str, kind: str) -> None:
    at = datetime(2026, 3, 1, 9, tzinfo=UTC)
    envelope = new_envelope(event, aggregate_id="x", aggregate_version=1, customer_id="C1",
                            occurred_at=at, producer="test")
    movement = movement_of(envelope)
    assert movement is not None
    assert (movement.invoice_id, movement.delta, movement.kind, movement.occurred_at) == (
        "i", Decimal(delta), kind, at,
    )


def test_a_payment_received_moves_no_invoice() -> None:
    event = PaymentReceived(payment_id="p", amount=eur("5"), received_on=D,
                            method=PaymentMethod.BANK_TRANSFER)
    envelope = new_envelope(event, aggregate_id="p", aggregate_version=1, customer_id="C1",
                            occurred_at=datetime(2026, 3, 1, tzinfo=UTC), producer="test")
    assert movement_of(envelope) is None
