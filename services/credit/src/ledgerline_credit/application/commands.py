"""Commands credit accepts, as plain values; who asked, when and under which key travels
beside them as the runtime's Origin."""

from __future__ import annotations

from dataclasses import dataclass

from ledgerline_events.contract import Money


@dataclass(frozen=True)
class SetCreditLimit:
    customer_id: str
    limit: Money
    set_by: str
    reason: str


@dataclass(frozen=True)
class CheckCredit:
    customer_id: str
    order_ref: str
    amount: Money


@dataclass(frozen=True)
class PlaceManualHold:
    customer_id: str
    detail: str
    placed_by: str


@dataclass(frozen=True)
class ReleaseHold:
    customer_id: str
    hold_id: str
    released_by: str
    reason: str
