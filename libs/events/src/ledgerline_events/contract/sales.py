"""Inbound sales contract: what ERP / order-management systems publish for us to invoice.

Published on ``Topics.sales_inbound`` in the same envelope as our own events (producer = the
publishing system, aggregate = the order). Versioned like ours; see libs/events/schemas/.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .base import CustomerId, Event
from .money import Currency, DecimalAmount, Money
from .parties import Buyer, OrderReference


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TermsKind(StrEnum):
    NET = "net"  # due N days after the issue date
    END_OF_MONTH = "end_of_month"  # due N days after the end of the issue month
    EARLY_PAYMENT_DISCOUNT = "early_payment_discount"  # e.g. 2/10 net 30


class PaymentTerms(_Part):
    """How long the customer has to pay, and any early-payment discount."""

    kind: TermsKind
    net_days: int = Field(ge=0, le=365)
    discount_days: int | None = Field(default=None, ge=0, le=365)
    discount_percent: DecimalAmount | None = Field(default=None, gt=0, lt=100)

    @model_validator(mode="after")
    def _discount_complete(self) -> PaymentTerms:
        has_discount = self.discount_days is not None and self.discount_percent is not None
        if (self.kind is TermsKind.EARLY_PAYMENT_DISCOUNT) != has_discount:
            raise ValueError("discount_days and discount_percent go with early_payment_discount")
        if has_discount and self.discount_days is not None and self.discount_days > self.net_days:
            raise ValueError("discount_days cannot exceed net_days")
        return self


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    IT = "it"
    DE = "de"


class Customer(_Part):
    """Bill-to party as the sales system knows it."""

    customer_id: CustomerId
    name: str = Field(min_length=1, max_length=200)
    language: Language = Language.EN
    country: str = Field(default="GB", min_length=2, max_length=2)
    email: str | None = Field(default=None, max_length=200)


class ProofOfDelivery(_Part):
    """What proves the goods arrived ("we never got the goods"): the carrier's reference of the
    signed delivery note, and where its scan is kept."""

    carrier: str = Field(min_length=1, max_length=100)
    reference: str = Field(min_length=1, max_length=64)
    document_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")


class OrderLine(_Part):
    sku: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=500)
    quantity: DecimalAmount = Field(gt=0)
    unit_price: DecimalAmount = Field(ge=0)
    tax_rate: DecimalAmount = Field(ge=0, le=100, description="percent, e.g. 20 for 20 %")


class OrderPlaced(Event):
    """A customer order accepted on credit, not yet delivered: counts in credit exposure."""

    event_type = "sales.OrderPlaced"
    order_id: str = Field(min_length=1, max_length=64)
    customer: Customer
    amount: Money
    placed_on: date


class OrderDelivered(Event):
    """Goods or services delivered: invoicing issues one invoice for it."""

    event_type = "sales.OrderDelivered"
    schema_version = 3  # v1 had no proof of delivery, v2 no buyer or order reference
    order_id: str = Field(min_length=1, max_length=64)
    customer: Customer
    currency: Currency
    lines: list[OrderLine] = Field(min_length=1, max_length=1000)
    payment_terms: PaymentTerms
    delivered_on: date
    invoice_series: str = Field(default="INV", pattern=r"^[A-Z]{2,8}$")
    proof_of_delivery: ProofOfDelivery | None = None
    buyer: Buyer | None = None  # its legal identity, for the e-invoice
    order: OrderReference | None = None  # the buyer's purchase order


class OrderCancelled(Event):
    """An order withdrawn before delivery: it leaves credit exposure."""

    event_type = "sales.OrderCancelled"
    order_id: str = Field(min_length=1, max_length=64)
    customer_id: CustomerId
    reason: str = Field(default="", max_length=500)


SALES_EVENTS: tuple[type[Event], ...] = (OrderPlaced, OrderDelivered, OrderCancelled)
