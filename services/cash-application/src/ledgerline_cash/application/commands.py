"""Orders the cash-application service accepts (what the API and tests send)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import ClassVar

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import PaymentMethod


@dataclass(frozen=True)
class Command:
    # Fields added later, left out while unset, so keys stored before them stay valid.
    added_later: ClassVar[frozenset[str]] = frozenset()

    def fingerprint(self) -> str:
        """Same body, same fingerprint: a reused idempotency key must carry the same order."""
        # The fields are immutable values (no nested dataclasses), so their reprs are what
        # `asdict` gave before, without its deep copy: stored fingerprints stay valid.
        values = sorted((f.name, getattr(self, f.name)) for f in fields(self)
                        if not (f.name in self.added_later and getattr(self, f.name) is None))
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


BUSINESS_INSTANT = frozenset({"occurred_at"})


@dataclass(frozen=True)
class AllocatePayment(Command):
    added_later = BUSINESS_INSTANT
    payment_id: str
    invoice_id: str
    amount: Money
    discount: Money | None = None
    explanation: str = ""
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ReverseAllocation(Command):
    added_later = BUSINESS_INSTANT
    payment_id: str
    allocation_id: str
    reason: str
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ReversePayment(Command):
    added_later = BUSINESS_INSTANT
    payment_id: str
    reason: str
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class RefundCredit(Command):
    added_later = BUSINESS_INSTANT
    payment_id: str
    amount: Money
    reason: str
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class RefundCustomer(Command):
    """Refund credit on account of a customer, from whichever payments or credits hold it."""

    customer_id: str
    amount: Money
    reason: str
    occurred_at: datetime | None = None
