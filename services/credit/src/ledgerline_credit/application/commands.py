"""Commands credit accepts, as plain values with a fingerprint for idempotency keys."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime
from typing import Any

from ledgerline_events.contract import Money


class _Command:
    """A command's fingerprint: what makes two requests under one idempotency key the same."""

    def fingerprint(self) -> str:
        values: Any = astuple(self)  # type: ignore[call-overload]
        return hashlib.sha256(repr((type(self).__name__, values)).encode()).hexdigest()


@dataclass(frozen=True)
class SetCreditLimit(_Command):
    customer_id: str
    limit: Money
    set_by: str
    reason: str
    idempotency_key: str | None = None
    occurred_at: datetime | None = None  # business instant, default now


@dataclass(frozen=True)
class CheckCredit(_Command):
    customer_id: str
    order_ref: str
    amount: Money
    idempotency_key: str
    as_of: date | None = None  # the order's business date, default today


@dataclass(frozen=True)
class PlaceManualHold(_Command):
    customer_id: str
    detail: str
    placed_by: str
    idempotency_key: str
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ReleaseHold(_Command):
    customer_id: str
    hold_id: str
    released_by: str
    reason: str
    idempotency_key: str
    occurred_at: datetime | None = None


def utc_now() -> datetime:
    """The production clock; tests pass their own."""
    return datetime.now(UTC)
