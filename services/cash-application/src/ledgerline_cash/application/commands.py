"""Orders the cash-application service accepts; who asked, when and under which key
travels beside them as the runtime's Origin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import PaymentMethod


@dataclass(frozen=True)
class RecordPayment:
    amount: Money
    received_on: date
    customer_id: str | None = None
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""


@dataclass(frozen=True)
class AllocatePayment:
    payment_id: str
    invoice_id: str
    amount: Money
    discount: Money | None = None
    explanation: str = ""


@dataclass(frozen=True)
class ReverseAllocation:
    payment_id: str
    allocation_id: str
    reason: str


@dataclass(frozen=True)
class ReversePayment:
    payment_id: str
    reason: str


@dataclass(frozen=True)
class RefundCredit:
    payment_id: str
    amount: Money
    reason: str


@dataclass(frozen=True)
class RefundCustomer:
    """Refund credit on account of a customer, from whichever payments or credits hold it."""

    customer_id: str
    amount: Money
    reason: str
