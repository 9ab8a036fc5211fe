"""A customer's credit standing (credit's `GET /customers/{id}/credit`) and cash position
(cash-application's `GET /customers/{id}/balance`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..money import format_money
from .labels import humanize


@dataclass(frozen=True)
class CreditLine:
    currency: str
    limit: str
    open_ar: str
    open_orders: str
    exposure: str
    available: str
    disputed: str
    over_limit: bool


@dataclass(frozen=True)
class Hold:
    reason: str
    detail: str
    placed_by: str
    placed_on: str


@dataclass(frozen=True)
class CreditStanding:
    risk_score: int
    oldest_overdue_days: str
    lines: list[CreditLine]
    holds: list[Hold]
    on_hold: bool
    behaviour: list[tuple[str, str]]


@dataclass(frozen=True)
class CashPosition:
    currency: str
    balance: str
    unapplied: str
    issued: str
    allocated: str
    received: str


def _credit_line(c: dict[str, Any]) -> CreditLine:
    cur = c["currency"]
    no_limit = c.get("limit") is None
    available = c.get("available")
    return CreditLine(
        currency=cur, limit="No limit set" if no_limit else format_money(c["limit"], cur),
        open_ar=format_money(c["open_ar"], cur), open_orders=format_money(c["open_orders"], cur),
        exposure=format_money(c["exposure"], cur),
        available="–" if available is None else format_money(available, cur),
        disputed=format_money(c["disputed"], cur),
        over_limit=available is not None and str(available).startswith("-"))


def credit_standing(view: dict[str, Any]) -> CreditStanding:
    holds = [Hold(humanize(h["reason"]), h.get("detail") or "", h.get("placed_by") or "",
                  str(h.get("placed_at") or "")[:10]) for h in view.get("active_holds", [])]
    oldest = view.get("oldest_overdue_days")
    behaviour = [(humanize(k), str(v)) for k, v in (view.get("payment_behaviour") or {}).items()]
    return CreditStanding(
        risk_score=int(view.get("risk_score") or 0),
        oldest_overdue_days="none overdue" if not oldest or oldest <= 0 else f"{oldest} days",
        lines=[_credit_line(c) for c in view.get("currencies", [])],
        holds=holds, on_hold=bool(holds), behaviour=behaviour)


def cash_position(view: dict[str, Any]) -> list[CashPosition]:
    """Per currency; a currency with invoices but no payment (or the reverse) shows zero."""
    def shown(part: dict[str, Any] | None, key: str, currency: str) -> str:
        money = (part or {}).get(key) or {"amount": "0"}
        return format_money(money["amount"], currency)

    return [CashPosition(
        currency=c["currency"], balance=shown(c, "balance", c["currency"]),
        unapplied=shown(c, "unapplied_cash", c["currency"]),
        issued=shown(c.get("invoices"), "issued", c["currency"]),
        allocated=shown(c.get("invoices"), "allocated", c["currency"]),
        received=shown(c.get("payments"), "received", c["currency"]),
    ) for c in view.get("currencies", [])]
