"""Which events change what a customer owes on an invoice, and by how much.

Each event becomes at most one signed movement at its business instant (`occurred_at`);
the ageing projection stores them and sums them up to any instant. Credit notes, write-offs
(ours too), recoveries and cancellations move an invoice only by what cash application's
clearing applied of them (its `...Applied` events), so every service shows the same figure.
"""

from __future__ import annotations

from ledgerline_events.contract import Envelope, Money
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.invoicing import InvoiceIssued

from .ageing import Movement

# Movement kinds, one per kind of fact that moves an invoice.
ISSUED = "issued"
CREDIT_NOTE = "credit_note"
CANCELLED = "cancelled"
ALLOCATED = "allocated"
ALLOCATION_REVERSED = "allocation_reversed"
WRITTEN_OFF = "written_off"
RECOVERED = "recovered"


def movement_of(envelope: Envelope) -> Movement | None:
    """The change of an invoice's open amount this event records, or None if it changes none."""
    event = envelope.payload
    match event:
        case InvoiceIssued():
            return _moved(envelope, event.invoice_id, event.gross_total, ISSUED)
        case CreditNoteApplied():
            return _moved(envelope, event.invoice_id, event.applied, CREDIT_NOTE, reduces=True)
        case CancellationApplied():
            return _moved(envelope, event.invoice_id, event.applied, CANCELLED, reduces=True)
        case PaymentAllocated():
            return _moved(envelope, event.invoice_id, _settled(event), ALLOCATED, reduces=True)
        case AllocationReversed():
            return _moved(envelope, event.invoice_id, _settled(event), ALLOCATION_REVERSED)
        case WriteOffApplied():
            return _moved(envelope, event.invoice_id, event.applied, WRITTEN_OFF, reduces=True)
        case RecoveryApplied():
            return _moved(envelope, event.invoice_id, event.applied, RECOVERED)
    return None


def _moved(envelope: Envelope, invoice_id: str, amount: Money, kind: str,
           *, reduces: bool = False) -> Movement:
    # The sign on the Decimal: negating the Money would build and validate a new model,
    # a cost every replay pays a million times.
    delta = -amount.amount if reduces else amount.amount
    return Movement(invoice_id, envelope.occurred_at, delta, kind, amount.currency)


def _settled(event: PaymentAllocated | AllocationReversed) -> Money:
    """An allocation settles its amount plus any early-payment discount granted."""
    return event.amount + event.discount if event.discount is not None else event.amount
