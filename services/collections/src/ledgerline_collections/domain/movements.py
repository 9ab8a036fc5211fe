"""Which events change what a customer owes on an invoice, and by how much.

Each event becomes at most one signed movement at its business instant (`occurred_at`);
the ageing projection stores them and sums them up to any instant.
"""

from __future__ import annotations

from decimal import Decimal

from ledgerline_events.contract import Envelope
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
    at = envelope.occurred_at
    match event:
        case InvoiceIssued():
            return Movement(event.invoice_id, at, event.gross_total.amount, ISSUED)
        case CreditNoteIssued():
            return Movement(event.invoice_id, at, -event.amount.amount, CREDIT_NOTE)
        case InvoiceCancelled():
            return Movement(event.invoice_id, at, -event.amount.amount, CANCELLED)
        case PaymentAllocated():
            settled = event.amount.amount + _discount(event)
            return Movement(event.invoice_id, at, -settled, ALLOCATED)
        case AllocationReversed():
            reopened = event.amount.amount + _discount(event)
            return Movement(event.invoice_id, at, reopened, ALLOCATION_REVERSED)
        case DebtWrittenOff():
            return Movement(event.invoice_id, at, -event.amount.amount, WRITTEN_OFF)
        case WrittenOffDebtRecovered():
            return Movement(event.invoice_id, at, event.amount.amount, RECOVERED)
    return None


def _discount(event: PaymentAllocated | AllocationReversed) -> Decimal:
    return event.discount.amount if event.discount is not None else Decimal(0)
