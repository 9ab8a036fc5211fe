"""Orders the cash-application service accepts (what the API and tests send)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date, datetime

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import PaymentMethod


@dataclass(frozen=True)
class Command:
    def fingerprint(self) -> str:
        """Same body, same fingerprint: a reused idempotency key must carry the same order."""
        # The fields are immutable values (no nested dataclasses), so their reprs are what
        # `asdict` gave before, without its deep copy: stored fingerprints stay valid.
        values = sorted((f.name, getattr(self, f.name)) for f in fields(self))
        return hashlib.sha256(repr(values).encode()).hexdigest()


@dataclass(frozen=True)
class RecordPayment(Command):
    amount: Money
    received_on: date
    customer_id: str | None = None
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class AllocatePayment(Command):
    payment_id: str
    invoice_id: str
    amount: Money
    discount: Money | None = None
    explanation: str = ""


@dataclass(frozen=True)
class ReverseAllocation(Command):
    payment_id: str
    allocation_id: str
    reason: str


@dataclass(frozen=True)
class ReversePayment(Command):
    payment_id: str
    reason: str


@dataclass(frozen=True)
class RefundCredit(Command):
    payment_id: str
    amount: Money
    reason: str
