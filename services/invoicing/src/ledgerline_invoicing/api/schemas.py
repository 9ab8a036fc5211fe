"""The HTTP contract of the invoicing API: request bodies (unknown fields refused) and
response models (documented in OpenAPI). Amounts are decimal strings, never floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ledgerline_events.contract.base import ActorKind, UtcDateTime
from ledgerline_events.contract.invoice_status import InvoiceStatus
from ledgerline_events.contract.invoicing import EInvoiceFormat, TransmissionStatus
from ledgerline_events.contract.money import Currency, DecimalAmount, Money
from ledgerline_events.contract.parties import Buyer, OrderReference
from ledgerline_events.contract.sales import Customer, PaymentTerms


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InvoiceLineIn(_Body):
    sku: str | None = Field(default=None, max_length=64)
    description: str = Field(min_length=1, max_length=500)
    quantity: DecimalAmount = Field(gt=0, description="decimal string, greater than zero")
    unit_price: DecimalAmount = Field(ge=0, description="decimal string, not negative")
    tax_rate: DecimalAmount = Field(ge=0, le=100, description="percent, e.g. \"20\"")
    currency: Currency | None = Field(
        default=None, description="optional; when given it must be the invoice's currency"
    )


class ManualInvoiceIn(_Body):
    """An invoice raised by hand (not from a sales order)."""

    customer: Customer
    currency: Currency
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=1000)
    payment_terms: PaymentTerms
    issue_date: date
    series: str = Field(default="INV", pattern=r"^[A-Z]{2,8}$")
    occurred_at: UtcDateTime | None = Field(
        default=None, description="business instant (default: now); for loading histories"
    )
    buyer: Buyer | None = None  # the buyer's legal identity, printed on the e-invoice
    order: OrderReference | None = None  # the buyer's purchase order


class CreditNoteIn(_Body):
    """Full (amount omitted: everything still remaining) or partial credit note."""

    amount: Money | None = None
    reason: str = Field(min_length=1, max_length=500)
    issue_date: date | None = Field(default=None, description="default: the occurred-at date")
    dispute_id: str | None = Field(default=None, max_length=64)
    occurred_at: UtcDateTime | None = None


class CancellationIn(_Body):
    reason: str = Field(min_length=1, max_length=500)
    cancelled_on: date | None = Field(default=None, description="default: the occurred-at date")
    occurred_at: UtcDateTime | None = None


class InvoiceIssuedOut(BaseModel):
    invoice_id: str
    invoice_number: str


class CreditNoteIssuedOut(BaseModel):
    invoice_id: str
    credit_note_id: str
    credit_note_number: str
    amount: Money


class InvoiceCancelledOut(BaseModel):
    invoice_id: str
    status: str


class InvoiceSummary(BaseModel):
    invoice_id: str
    invoice_number: str
    customer_id: str
    customer_name: str
    sales_order_id: str | None
    currency: str
    issue_date: date
    due_date: date
    net_total: DecimalAmount
    tax_total: DecimalAmount
    gross_total: DecimalAmount
    credited: DecimalAmount
    settled: DecimalAmount = Field(description="cash allocated plus discounts granted")
    written_off: DecimalAmount = Field(default=Decimal(0),
                                       description="written off net of recoveries")
    outstanding: DecimalAmount
    status: InvoiceStatus
    correlation_id: str


class HistoryEntry(BaseModel):
    kind: str = Field(description="issued, credit_note, cancellation (documents); credited, "
                      "cancelled, written_off, recovered (as cleared); allocated, "
                      "allocation_reversed")
    on_date: date
    amount: DecimalAmount
    discount: DecimalAmount
    currency: str
    reference: str = Field(description="invoice, credit-note or payment reference")
    detail: str
    occurred_at: datetime
    actor: str = Field(description="who acted: the caller's subject, our component's name, or "
                       "'unknown' for events recorded before actors were named")
    actor_kind: ActorKind


class InvoiceLineOut(BaseModel):
    description: str
    quantity: DecimalAmount
    unit_price: DecimalAmount
    tax_rate: DecimalAmount
    net: DecimalAmount
    tax: DecimalAmount


class InvoiceDetail(InvoiceSummary):
    payment_terms: PaymentTerms
    lines: list[InvoiceLineOut]
    history: list[HistoryEntry]


class StatementLineOut(BaseModel):
    on_date: date
    kind: str
    reference: str
    invoice_id: str
    amount: DecimalAmount = Field(description="positive raises what the customer owes")
    balance: DecimalAmount


class InterestAccruedOut(BaseModel):
    invoice_id: str
    invoice_number: str
    days_accrued: int
    interest: DecimalAmount
    indemnity: DecimalAmount


class StatementOut(BaseModel):
    customer_id: str
    currency: str
    period_from: date
    period_to: date
    opening_balance: DecimalAmount
    lines: list[StatementLineOut]
    closing_balance: DecimalAmount
    interest_accrued: list[InterestAccruedOut] | None = Field(
        description="late-payment interest and indemnities earned by `period_to` and not yet "
                    "claimed by an interest note: beside the balance, not in it; null when "
                    "collections could not say")
    interest_accrued_total: DecimalAmount | None




class EInvoiceOut(BaseModel):
    """A legal e-invoice as the outbox lists it (its bytes: GET /e-invoices/{document_id})."""

    document_id: str
    invoice_id: str
    credit_note_id: str | None
    customer_id: str
    format: EInvoiceFormat | None  # None while queued
    filename: str | None
    media_type: str | None
    sha256: str | None
    size: int | None
    queued_at: datetime
    written_at: datetime | None
    transmission: str | None  # to_transmit, then what the connector reported
    exchange_reference: str | None
    attempts: int  # failed attempts to write it (then `error` says why)
    error: str | None


class TransmissionIn(_Body):
    """What a connector to the exchange (SDI, a French platform) reports."""

    status: TransmissionStatus
    reference: str = Field(default="", max_length=120)
    detail: str = Field(default="", max_length=1000)


class TransmissionOut(BaseModel):
    document_id: str
    transmission: TransmissionStatus
