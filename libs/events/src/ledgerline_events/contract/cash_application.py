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

from pydantic import BaseModel, ConfigDict, Field

from .base import Event
from .money import Money
from .personal_data import Sealed, seal, unseal
from .values import ValuePolicy


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


class Payer(BaseModel):
    """Who paid, as the bank or the caller named them: personal data when the payer is a
    person, so it travels sealed (PaymentReceived.payer)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="", max_length=200)
    account: str = Field(default="", max_length=64)

    def sealed(self, payment_id: str, key: bytes) -> Sealed | None:
        """Sealed with the payment's key; the text rules every event field obeys are checked
        here, as the event store can no longer see inside."""
        ValuePolicy.text(self.name, "payer_name")
        ValuePolicy.text(self.account, "payer_account")
        return seal(self.model_dump_json(), payment_id, key) if self.name or self.account else None

    @classmethod
    def opened(cls, sealed: Sealed | None, key: bytes | None) -> Payer | None:
        """The payer; None when there was none or its key was erased."""
        plain = unseal(sealed, key)
        return None if plain is None else cls.model_validate_json(plain)


class PaymentReceived(Event):
    """Money arrived. `customer_id` on the envelope is empty while the payer is unidentified."""

    event_type = "cash-application.PaymentReceived"
    schema_version = 3  # v1 had a flat amount + currency; v2 the payer in plain (upcasters.py)
    payment_id: str = Field(min_length=1, max_length=64)
    amount: Money
    received_on: date
    method: PaymentMethod
    payer: Sealed | None = Field(default=None, description=(
        "who paid (Payer: name and account, as the bank gave them), sealed with the payment's "
        "own key (subject: the payment id); erased with the personal data of the customer it "
        "paid"))
    payer_name_in_plain: str = Field(default="", max_length=200, description="v2 payments only")
    payer_account_in_plain: str = Field(default="", max_length=64, description="v2 payments only")
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
