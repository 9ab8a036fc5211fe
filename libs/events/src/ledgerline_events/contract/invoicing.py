"""Events published by the invoicing service (aggregate: the invoice)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from .base import Event
from .money import Currency, DecimalAmount, Money
from .parties import Buyer, OrderReference
from .sales import Customer, PaymentTerms, ProofOfDelivery, _Part


class InvoiceLine(_Part):
    description: str = Field(min_length=1, max_length=500)
    quantity: DecimalAmount = Field(gt=0)
    unit_price: DecimalAmount = Field(ge=0)
    tax_rate: DecimalAmount = Field(ge=0, le=100)
    net: DecimalAmount
    tax: DecimalAmount


class EarlyPaymentDiscount(_Part):
    """What a timely payer may deduct: `amount` (on the gross) if paid by `until` inclusive."""

    amount: Money
    until: date


class InvoiceIssued(Event):
    """An invoice was issued: the customer owes `gross_total` by `due_date`, less
    `early_payment_discount` if paid in time (invoicing works it out; readers take it as is)."""

    event_type = "invoicing.InvoiceIssued"
    schema_version = 4  # v1 left the discount to readers; v2 had no delivery, v3 no buyer or
    # order reference (upcasters.py)
    invoice_id: str = Field(min_length=1, max_length=64)
    invoice_number: str = Field(min_length=1, max_length=64)
    customer: Customer
    sales_order_id: str | None = None
    currency: Currency
    issue_date: date
    due_date: date
    payment_terms: PaymentTerms
    lines: list[InvoiceLine] = Field(min_length=1)
    net_total: Money
    tax_total: Money
    gross_total: Money
    early_payment_discount: EarlyPaymentDiscount | None = None
    # The delivery the invoice bills, kept with it (None: a manual invoice, or before v3).
    delivered_on: date | None = None
    proof_of_delivery: ProofOfDelivery | None = None
    # Who and what the invoice is for, as the e-invoice says it (None: not known at issue).
    buyer: Buyer | None = None
    order: OrderReference | None = None


class CreditNoteIssued(Event):
    """Part or all of an invoice is no longer owed (return, price correction, settled dispute)."""

    event_type = "invoicing.CreditNoteIssued"
    credit_note_id: str = Field(min_length=1, max_length=64)
    credit_note_number: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    issue_date: date
    dispute_id: str | None = None


class InvoiceCancelled(Event):
    """An invoice withdrawn while nothing was allocated or credited: nothing is owed on it."""

    event_type = "invoicing.InvoiceCancelled"
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    cancelled_on: date


class EInvoiceFormat(StrEnum):
    FACTUR_X = "factur-x"  # PDF/A-3 with CII XML, profile EN 16931 (France)
    FATTURAPA = "fatturapa"  # FatturaPA 1.2 XML, FPR12 (Italy, through the SDI)
    UBL = "ubl"  # UBL 2.1 under EN 16931 (everyone else)


class EInvoiceIssued(Event):
    """The legal e-invoice of an invoice or of a credit note, written once from their events
    and kept as written (`sha256` of its bytes); it waits in the outbox for a connector to the
    exchange (SDI, a French platform) to transmit it."""

    event_type = "invoicing.EInvoiceIssued"
    document_id: str = Field(min_length=1, max_length=80)
    invoice_id: str = Field(min_length=1, max_length=64)
    credit_note_id: str | None = Field(default=None, max_length=64)
    format: EInvoiceFormat
    filename: str = Field(min_length=1, max_length=120)
    media_type: str = Field(min_length=1, max_length=64)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)


class TransmissionStatus(StrEnum):
    SENT = "sent"  # handed to the exchange
    DELIVERED = "delivered"  # the exchange delivered it to the buyer
    ACCEPTED = "accepted"  # the buyer (or Italian SDI) accepted it
    REJECTED = "rejected"  # refused: a person looks at the reason
    FAILED = "failed"  # not handed over; the connector will try again


class EInvoiceTransmissionRecorded(Event):
    """What a connector to the exchange reported about an e-invoice it transmits."""

    event_type = "invoicing.EInvoiceTransmissionRecorded"
    document_id: str = Field(min_length=1, max_length=80)
    status: TransmissionStatus
    reference: str = Field(default="", max_length=120, description="the exchange's own id")
    detail: str = Field(default="", max_length=1000)


INVOICING_EVENTS: tuple[type[Event], ...] = (InvoiceIssued, CreditNoteIssued, InvoiceCancelled,
                                             EInvoiceIssued, EInvoiceTransmissionRecorded)
