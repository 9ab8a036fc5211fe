"""Events published by the cash-application service: payments (aggregate: the payment) and
clearing, which it alone decides (see services/cash-application/docs/clearing.md).

In the AR invariant an allocation reduces the invoice by `amount + discount` and the payment's
unapplied cash by `amount` only: an early-payment discount is granted, not paid.

Credit notes, write-offs, recoveries and cancellations are documents of invoicing and
collections; what they take off an invoice is decided here, by the `...Applied` events, which
are the only facts besides issue and allocations that move an invoice's open amount. Their
`occurred_at` is the document's business instant (never before the invoice's).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from .base import Event
from .money import Money


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CHEQUE = "cheque"
    DIRECT_DEBIT = "direct_debit"


class MatchReason(StrEnum):
    REMITTANCE_REFERENCE = "remittance_reference"
    EXACT_AMOUNT = "exact_amount"
    COMBINATION = "combination"
    OLDEST_FIRST = "oldest_first"
    EARLY_PAYMENT_DISCOUNT = "early_payment_discount"
    MANUAL = "manual"


class PaymentReceived(Event):
    """Money arrived. `customer_id` on the envelope is empty while the payer is unidentified."""

    event_type = "cash-application.PaymentReceived"
    schema_version = 2  # v1 had a flat amount + currency; see upcasters.py
    payment_id: str = Field(min_length=1, max_length=64)
    amount: Money
    received_on: date
    method: PaymentMethod
    payer_name: str = Field(default="", max_length=200)
    payer_account: str = Field(default="", max_length=64)
    remittance: str = Field(default="", max_length=2000)
    statement_ref: str | None = Field(default=None, max_length=128)
    entry_ref: str | None = Field(default=None, max_length=128)


class PaymentAllocated(Event):
    """Part of a payment settles part of an invoice, with the reason the match was made."""

    event_type = "cash-application.PaymentAllocated"
    allocation_id: str = Field(min_length=1, max_length=64)
    payment_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    discount: Money | None = None
    match_reason: MatchReason
    explanation: str = Field(default="", max_length=1000)
    allocated_on: date


class AllocationReversed(Event):
    """An allocation undone: the invoice is open again and the cash unapplied again."""

    event_type = "cash-application.AllocationReversed"
    allocation_id: str = Field(min_length=1, max_length=64)
    payment_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    discount: Money | None = None
    reason: str = Field(min_length=1, max_length=500)
    reversed_on: date


class PaymentReversed(Event):
    """A payment bounced or was recalled. Its allocations were reversed just before, each by
    its own AllocationReversed, so this only removes the (now unapplied) cash."""

    event_type = "cash-application.PaymentReversed"
    payment_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    reversed_on: date


class RefundIssued(Event):
    """Credit on account paid back to the customer, from one payment or credit."""

    event_type = "cash-application.RefundIssued"
    refund_id: str = Field(min_length=1, max_length=64)
    payment_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    refunded_on: date


class CreditNoteApplied(Event):
    """A credit note cleared against its invoice: `applied` came off what was open, the rest
    (`to_account`) is credit on the customer's account under `credit_id`, allocatable to other
    invoices and refundable like unapplied cash. applied + to_account = amount."""

    event_type = "cash-application.CreditNoteApplied"
    credit_note_id: str = Field(min_length=1, max_length=64)
    credit_note_number: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    credit_id: str = Field(min_length=1, max_length=64)
    amount: Money
    applied: Money
    to_account: Money
    applied_on: date


class WriteOffApplied(Event):
    """A write-off cleared against its invoice: never more than was open, so `applied` may be
    less than the written-off `amount` (the rest was not owed and is not written off)."""

    event_type = "cash-application.WriteOffApplied"
    write_off_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    applied: Money
    applied_on: date


class RecoveryApplied(Event):
    """A recovery of written-off debt reopened its invoice by `applied`: at most what the
    write-off had actually taken off and was not recovered before."""

    event_type = "cash-application.RecoveryApplied"
    recovery_id: str = Field(min_length=1, max_length=64)
    write_off_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    applied: Money
    applied_on: date


class CancellationApplied(Event):
    """A cancelled invoice cleared: `applied` is what was still open once any allocation made
    to it meanwhile was reversed (each by its own AllocationReversed, just before)."""

    event_type = "cash-application.CancellationApplied"
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    applied: Money
    applied_on: date


CLEARING_EVENTS: tuple[type[Event], ...] = (
    CreditNoteApplied, WriteOffApplied, RecoveryApplied, CancellationApplied,
)

CASH_APPLICATION_EVENTS: tuple[type[Event], ...] = (
    PaymentReceived, PaymentAllocated, AllocationReversed, PaymentReversed, RefundIssued,
    *CLEARING_EVENTS,
)
