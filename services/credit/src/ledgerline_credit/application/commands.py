"""Commands credit accepts, as plain values with a fingerprint for idempotency keys."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class CheckCredit(_Command):
    customer_id: str
    order_ref: str
    amount: Money
    idempotency_key: str


@dataclass(frozen=True)
class PlaceManualHold(_Command):
    customer_id: str
    detail: str
    placed_by: str
    idempotency_key: str


@dataclass(frozen=True)
class ReleaseHold(_Command):
    customer_id: str
    hold_id: str
    released_by: str
    reason: str
    idempotency_key: str


def utc_now() -> datetime:
    """The production clock; tests pass their own."""
    return datetime.now(UTC)
