"""Which events change what a customer owes on an invoice, and by how much.

Each event becomes at most one signed movement at its business instant (`occurred_at`);
the ageing projection stores them and sums them up to any instant.
"""

from __future__ import annotations

from ledgerline_events.contract import Envelope, Money
from ledgerline_events.contract.cash_application import AllocationReversed, PaymentAllocated
from ledgerline_events.contract.collections import DebtWrittenOff, WrittenOffDebtRecovered
from ledgerline_events.contract.invoicing import (
    CreditNoteIssued,
    InvoiceCancelled,
    InvoiceIssued,
)

from .ageing import Movement

# Movement kinds; write-offs and recoveries are ours, the rest come from other services.
ISSUED = "issued"
CREDIT_NOTE = "credit_note"
CANCELLED = "cancelled"
ALLOCATED = "allocated"
ALLOCATION_REVERSED = "allocation_reversed"
WRITTEN_OFF = "written_off"
RECOVERED = "recovered"
COLLECTIONS_KINDS = frozenset({WRITTEN_OFF, RECOVERED})


def movement_of(envelope: Envelope) -> Movement | None:
    """The change of an invoice's open amount this event records, or None if it changes none."""
    event = envelope.payload
    match event:
        case InvoiceIssued():
            return _moved(envelope, event.invoice_id, event.gross_total, ISSUED)
        case CreditNoteIssued():
            return _moved(envelope, event.invoice_id, event.amount, CREDIT_NOTE, reduces=True)
        case InvoiceCancelled():
            return _moved(envelope, event.invoice_id, event.amount, CANCELLED, reduces=True)
        case PaymentAllocated():
            return _moved(envelope, event.invoice_id, _settled(event), ALLOCATED, reduces=True)
        case AllocationReversed():
            return _moved(envelope, event.invoice_id, _settled(event), ALLOCATION_REVERSED)
        case DebtWrittenOff():
            return _moved(envelope, event.invoice_id, event.amount, WRITTEN_OFF, reduces=True)
        case WrittenOffDebtRecovered():
            return _moved(envelope, event.invoice_id, event.amount, RECOVERED)
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
