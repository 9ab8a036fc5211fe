"""The HTTP contract of the cash-application API: request bodies (unknown fields refused) and
the answers (documented in OpenAPI, checked on the way out). Money is `{amount, currency}` with
a decimal string; fields added later have defaults, so answers stored for an Idempotency-Key
before them still replay."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from ledgerline_events.contract import Money
from ledgerline_events.contract.base import CustomerId, UtcDateTime
from ledgerline_events.contract.cash_application import PaymentMethod


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PaymentIn(_In):
    amount: Money
    received_on: date
    customer_id: CustomerId | None = None
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    payer_name: str = Field(default="", max_length=200)
    payer_account: str = Field(default="", max_length=64)
    remittance: str = Field(default="", max_length=2000)
    occurred_at: UtcDateTime | None = None


class AllocationIn(_In):
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    discount: Money | None = None
    explanation: str = Field(default="", max_length=1000)
    occurred_at: UtcDateTime | None = Field(
        default=None, description="business instant (default: now); not before the payment "
        "or the invoice")


class ReversalIn(_In):
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = Field(
        default=None, description="when the payment bounced or was recalled (default: now)")


class RefundIn(_In):
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = Field(default=None, description="default: now")


# Answers to commands


class AllocationMade(BaseModel):
    allocation_id: str
    invoice_id: str
    amount: Money
    discount: Money | None = None
    match_reason: str
    explanation: str


class PaymentRecorded(BaseModel):
    """A payment and how it was applied: to whom (and how the payer was found), which
    invoices and why, and what is left unapplied."""

    payment_id: str
    statement_ref: str | None = None
    entry_ref: str | None = None
    amount: Money
    customer_id: str | None
    identified_by: str  # given / remittance_reference / payer_account / unidentified
    outcome: str  # fully_applied / credit_on_account / unidentified_payer / ambiguous / no_match
    explanation: str
    allocations: list[AllocationMade]
    unapplied: Money | None


class StatementEntry(PaymentRecorded):
    duplicate: bool  # this entry was imported before (by this or another file)
    location: str | None = None  # where in the file


class StatementFile(BaseModel):
    fingerprint: str
    imported_before: bool


class StatementImported(BaseModel):
    entries: list[StatementEntry]
    recorded: int
    duplicates: int
    file: StatementFile


class Allocated(BaseModel):
    payment_id: str
    allocation_id: str


class Unallocated(BaseModel):
    payment_id: str
    reversed_allocation_id: str


class PaymentReversedOut(BaseModel):
    payment_id: str
    reversed: bool
    allocations_reversed: int


class Refunded(BaseModel):
    payment_id: str
    refund_id: str


class RefundDrawn(Refunded):
    amount: Money


class CustomerRefunded(BaseModel):
    customer_id: str
    refunds: list[RefundDrawn]  # one per source drawn on, oldest first


# Reads


class OpenItem(BaseModel):
    invoice_id: str
    invoice_number: str
    issue_date: date | None
    due_date: date | None
    gross: Money
    open_amount: Money
    discount_until: date | None = None
    discount: Money | None = None  # the early-payment discount the invoice carries


class OpenItems(BaseModel):
    customer_id: str
    as_of: datetime | None
    known_at: datetime | None
    open_items: list[OpenItem]


class CreditSource(BaseModel):
    payment_id: str
    method: str | None
    received_on: date | None
    unapplied: Money


class CurrencyBalance(BaseModel):
    currency: str
    balance: Money
    unapplied_cash: Money
    invoices: dict[str, Money]  # issued, credited, cancelled, allocated, written_off, recovered
    payments: dict[str, Money]  # received, credit_notes, allocated, refunded, reversed
    credit_sources: list[CreditSource]


class Balance(BaseModel):
    customer_id: str
    as_of: datetime | None
    known_at: datetime | None
    currencies: list[CurrencyBalance]


class AllocationRecord(BaseModel):
    allocation_id: str
    payment_id: str
    invoice_id: str
    amount: Money
    discount: Money
    match_reason: str | None
    explanation: str | None
    allocated_on: date | None
    reversed_on: date | None
    reversal_reason: str | None
    live: bool


class ClearingDocument(BaseModel):
    kind: str
    document_id: str | None
    amount: Money | None
    decided: bool
    applied: Money


class InvoiceClearing(BaseModel):
    invoice_id: str
    invoice_number: str | None
    customer_id: str | None
    issue_date: date | None
    due_date: date | None
    status: str
    open_amount: Money
    figures: dict[str, Money]
    allocations: list[AllocationRecord]
    documents: list[ClearingDocument]


class Identification(BaseModel):
    tried: list[str]
    named_invoices: dict[str, str]
    account_known_for: str | None
    same_amount_customers: list[str]


class PaymentSummary(BaseModel):
    payment_id: str
    customer_id: str | None
    amount: Money
    unapplied: Money
    allocated: Money
    refunded: Money
    reversed: bool
    received_on: date | None
    method: str | None
    payer_name: str | None
    payer_account: str | None  # blank for machine callers
    remittance: str | None
    statement_ref: str | None
    entry_ref: str | None


class UnappliedPayment(PaymentSummary):
    identification: Identification | None = None  # for unidentified payers


class Unapplied(BaseModel):
    payments: list[UnappliedPayment]


class PaymentDetail(PaymentSummary):
    allocations: list[AllocationRecord]
