"""Which events move an invoice's open amount, and by how much."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledgerline_collections.domain.movements import movement_of
from ledgerline_events.contract import Event, Money, new_envelope
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
    PaymentMethod,
    PaymentReceived,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.invoicing import CreditNoteIssued

D = date(2026, 3, 1)
EUR = "EUR"


def eur(amount: str) -> Money:
    return Money.of(amount, EUR)


@pytest.mark.parametrize(
    ("event", "delta", "kind"),
    [
        (CreditNoteApplied(credit_note_id="cn", credit_note_number="CN-1", invoice_id="i",
                           credit_id="CR-cn",
                           amount=eur("15"), applied=eur("10"), to_account=eur("5"),
                           applied_on=D), "-10", "credit_note"),
        (CancellationApplied(invoice_id="i", amount=eur("100"), applied=eur("100"),
                             applied_on=D), "-100", "cancelled"),
        (PaymentAllocated(allocation_id="a", payment_id="p", invoice_id="i", amount=eur("98"),
                          discount=eur("2"), match_reason=MatchReason.EARLY_PAYMENT_DISCOUNT,
                          allocated_on=D), "-100", "allocated"),
        (AllocationReversed(allocation_id="a", payment_id="p", invoice_id="i", amount=eur("98"),
                            discount=eur("2"), reason="bounced", reversed_on=D),
         "100", "allocation_reversed"),
        (WriteOffApplied(write_off_id="w", invoice_id="i", amount=eur("40"), applied=eur("30"),
                         applied_on=D), "-30", "written_off"),
        (RecoveryApplied(recovery_id="r", write_off_id="w", invoice_id="i", amount=eur("5"),
                         applied=eur("5"), applied_on=D), "5", "recovered"),
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


@pytest.mark.parametrize("document", [
    CreditNoteIssued(credit_note_id="cn", credit_note_number="CN1", invoice_id="i",
                     amount=eur("10"), reason="r", issue_date=D),
    DebtWrittenOff(write_off_id="w", invoice_id="i", amount=eur("30"), reason="insolvent",
                   approver="cfo", written_off_on=D),
])
def test_a_document_moves_nothing_until_clearing_applies_it(document: Event) -> None:
    envelope = new_envelope(document, aggregate_id="x", aggregate_version=1, customer_id="C1",
                            occurred_at=datetime(2026, 3, 1, tzinfo=UTC), producer="test")
    assert movement_of(envelope) is None


def test_a_payment_received_moves_no_invoice() -> None:
    event = PaymentReceived(payment_id="p", amount=eur("5"), received_on=D,
                            method=PaymentMethod.BANK_TRANSFER)
    envelope = new_envelope(event, aggregate_id="p", aggregate_version=1, customer_id="C1",
                            occurred_at=datetime(2026, 3, 1, tzinfo=UTC), producer="test")
    assert movement_of(envelope) is None
