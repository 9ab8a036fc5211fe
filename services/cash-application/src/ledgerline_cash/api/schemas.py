"""Request bodies of the cash-application API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ledgerline_events.contract import Money
from ledgerline_events.contract.base import UtcDateTime
from ledgerline_events.contract.cash_application import PaymentMethod


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PaymentIn(_In):
    amount: Money
    received_on: date
    customer_id: str | None = Field(default=None, min_length=1, max_length=64)
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
