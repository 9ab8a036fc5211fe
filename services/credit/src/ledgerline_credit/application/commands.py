"""Commands credit accepts, as plain values with a fingerprint for idempotency keys."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from typing import Any

from ledgerline_events.contract import Money


def _fingerprint(command: Any) -> str:
    return hashlib.sha256(repr((type(command).__name__, astuple(command))).encode()).hexdigest()


@dataclass(frozen=True)
class SetCreditLimit:
    customer_id: str
    limit: Money
    set_by: str
    reason: str
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        return _fingerprint(self)


@dataclass(frozen=True)
class CheckCredit:
    customer_id: str
    order_ref: str
    amount: Money
    idempotency_key: str

    def fingerprint(self) -> str:
        return _fingerprint(self)


@dataclass(frozen=True)
class PlaceManualHold:
    customer_id: str
    detail: str
    placed_by: str
    idempotency_key: str

    def fingerprint(self) -> str:
        return _fingerprint(self)


@dataclass(frozen=True)
class ReleaseHold:
    customer_id: str
    hold_id: str
    released_by: str
    reason: str
    idempotency_key: str

    def fingerprint(self) -> str:
        return _fingerprint(self)


def utc_now() -> datetime:
    """The production clock; tests pass their own."""
    return datetime.now(UTC)
