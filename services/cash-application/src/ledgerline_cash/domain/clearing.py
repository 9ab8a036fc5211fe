"""Clearing: what settles an invoice, decided in one place (docs/clearing.md).

Allocations, credit notes, write-offs, recoveries and cancellations all move an invoice's open
amount at a business instant. Nothing may take it below zero at that instant *or at any later
one* (a backdated credit note must not push next week's figure negative), so what can come off
at an instant is the least open amount from that instant on. The same rule bounds what can be
drawn from a payment's unapplied cash at a date.

A credit note's excess over that becomes credit on the customer's account; a write-off's excess
is simply not applied (what is not owed cannot be written off); a recovery reopens at most what
its write-off took off and was not recovered yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from ledgerline_events.contract import Event, Money
from ledgerline_events.contract.cash_application import (
    CancellationApplied,
    CreditNoteApplied,
    RecoveryApplied,
    WriteOffApplied,
)

EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")  # "no earlier bound"


@dataclass(frozen=True)
class Moved:
    """A change of an open amount at a business instant (negative reduces it)."""

    at: datetime
    delta: Decimal


def least_open_from(open_now: Decimal, moves: Iterable[Moved], at: datetime) -> Decimal:
    """What can come off at `at` and leave the amount at zero or more at `at` and at every
    later instant: the least amount from `at` on. `moves` may hold any of the amount's
    movements; only those after `at` matter."""
    later: dict[datetime, Decimal] = {}
    for m in moves:
        if m.at > at:
            later[m.at] = later.get(m.at, Decimal(0)) + m.delta
    running = open_now - sum(later.values(), Decimal(0))  # the amount at `at`
    least = running
    for instant in sorted(later):
        running += later[instant]
        least = min(least, running)
    return max(least, Decimal(0))


class DocumentKind(StrEnum):
    """Documents of other services that clear against an invoice."""

    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"
    RECOVERY = "recovery"
    CANCELLATION = "cancellation"


@dataclass(frozen=True)
class Document:
    """A credit note, write-off, recovery or cancellation waiting to be cleared.
    `write_off_id` names the write-off a recovery undoes; `reference` is what the customer
    knows the document by (a credit note's number)."""

    kind: DocumentKind
    document_id: str
    invoice_id: str
    amount: Money
    at: datetime
    write_off_id: str | None = None
    reference: str = ""

    @property
    def key(self) -> str:
        """Its idempotency key and event stream: one decision per document, ever."""
        return f"clearing:{self.kind.value}:{self.document_id}"


@dataclass(frozen=True)
class InvoiceToClear:
    """The invoice as the clearing ledger holds it under lock: what is open now, its dated
    movements, and (for a recovery) what the named write-off still keeps off it."""

    invoice_id: str
    issued_at: datetime
    open_now: Money
    moves: tuple[Moved, ...]
    still_written_off: Decimal = Decimal(0)

    def clearable_at(self, at: datetime) -> Money:
        amount = least_open_from(self.open_now.amount, self.moves, at)
        return Money(amount=amount, currency=self.open_now.currency)


def clearing_instant(document: Document, invoice: InvoiceToClear) -> datetime:
    """A document takes effect at its own instant, never before its invoice was issued."""
    return max(document.at, invoice.issued_at)


def clear(document: Document, invoice: InvoiceToClear, credit_id: str) -> Event:
    """The clearing of one document against its invoice (see the module docstring)."""
    at = clearing_instant(document, invoice)
    amount, on = document.amount, at.date()
    if document.kind is DocumentKind.RECOVERY:
        reopened = min(amount.amount, max(invoice.still_written_off, Decimal(0)))
        return RecoveryApplied(
            recovery_id=document.document_id, write_off_id=document.write_off_id or "",
            invoice_id=invoice.invoice_id, amount=amount,
            applied=Money(amount=reopened, currency=amount.currency), applied_on=on)
    applied = Money(amount=min(amount.amount, invoice.clearable_at(at).amount),
                    currency=amount.currency)
    if document.kind is DocumentKind.CREDIT_NOTE:
        return CreditNoteApplied(
            credit_note_id=document.document_id,
            credit_note_number=document.reference or document.document_id,
            invoice_id=invoice.invoice_id,
            credit_id=credit_id, amount=amount, applied=applied, to_account=amount - applied,
            applied_on=on)
    if document.kind is DocumentKind.WRITE_OFF:
        return WriteOffApplied(write_off_id=document.document_id, invoice_id=invoice.invoice_id,
                               amount=amount, applied=applied, applied_on=on)
    return CancellationApplied(invoice_id=invoice.invoice_id, amount=amount, applied=applied,
                               applied_on=on)
