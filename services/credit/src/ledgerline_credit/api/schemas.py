"""What the credit API takes and answers (documented in OpenAPI, checked on the way in and
out). Amounts are decimal strings, never floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ledgerline_events.contract.base import CustomerId, UtcDateTime
from ledgerline_events.contract.credit import HoldReason
from ledgerline_events.contract.invoice_status import InvoiceStatus
from ledgerline_events.contract.money import DecimalAmount, Money


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LimitBody(_Body):
    limit: DecimalAmount = Field(description="decimal string, e.g. \"10000.00\"")
    set_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = Field(default=None, description="business instant")


class CreditCheckBody(_Body):
    customer_id: CustomerId
    order_ref: str = Field(min_length=1, max_length=64)
    amount: Money
    as_of: date | None = Field(default=None, description="the order's business date (today)")


class HoldBody(_Body):
    placed_by: str = Field(min_length=1, max_length=100)
    detail: str = Field(default="", max_length=500)
    occurred_at: UtcDateTime | None = None


class ReleaseBody(_Body):
    released_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = None


class CreditLimitOut(BaseModel):
    customer_id: str
    currency: str
    limit: Money
    changed: bool  # false: the same limit again, nothing recorded
    set_by: str
    reason: str


class CreditCheckOut(BaseModel):
    check_id: str
    customer_id: str
    order_ref: str
    as_of: date
    decision: str  # approve / refer / reject
    reasons: list[str]
    exposure: Money
    limit: Money | None
    available: Money | None
    risk_score: int


class HoldPlacedOut(BaseModel):
    customer_id: str
    hold_id: str
    reason: HoldReason
    detail: str
    placed_by: str


class HoldReleasedOut(BaseModel):
    customer_id: str
    hold_id: str
    released: bool
    released_by: str
    reason: str


class CurrencyPosition(BaseModel):
    currency: str
    limit: DecimalAmount | None
    open_ar: DecimalAmount
    open_orders: DecimalAmount
    exposure: DecimalAmount
    available: DecimalAmount | None  # None: no limit set
    disputed: DecimalAmount


class PaymentBehaviour(BaseModel):
    """All zero before the customer has any history."""

    paid_invoices: int = 0
    paid_late: int = 0
    total_days_late: int = 0
    broken_promises: int = 0
    disputes_opened: int = 0
    net_written_off: DecimalAmount = Decimal(0)


class Hold(BaseModel):
    hold_id: str
    reason: str | None
    detail: str | None
    placed_by: str | None
    placed_at: datetime | None
    released: bool
    released_by: str | None
    release_reason: str | None
    released_at: datetime | None


class LimitChange(BaseModel):
    currency: str
    amount: DecimalAmount
    set_by: str | None
    reason: str | None
    set_at: datetime | None


class Decision(BaseModel):
    check_id: str
    order_ref: str
    currency: str
    order_amount: DecimalAmount
    decision: str
    reasons: list[str]
    exposure: DecimalAmount
    credit_limit: DecimalAmount | None
    risk_score: int | None
    decided_at: datetime


class CustomerCreditOut(BaseModel):
    customer_id: str
    currencies: list[CurrencyPosition]
    oldest_overdue_days: int
    risk_score: int
    payment_behaviour: PaymentBehaviour
    active_holds: list[Hold]
    released_holds: list[Hold]
    limit_history: list[LimitChange]
    recent_decisions: list[Decision]


class InvoiceOut(BaseModel):
    invoice_id: str
    customer_id: str | None
    currency: str
    due_date: date | None
    open_amount: DecimalAmount
    status: InvoiceStatus
    movements: dict[str, DecimalAmount]
