"""Unapplied cash (payments not, or not fully, allocated), from cash-application's
`GET /unapplied`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import format_money, to_decimal
from .labels import humanize


@dataclass(frozen=True)
class UnappliedRow:
    payment_id: str
    received_on: str
    payer: str
    customer_id: str | None
    method: str
    amount: str
    unapplied: str
    remittance: str


@dataclass(frozen=True)
class UnappliedCash:
    count: int
    totals: dict[str, str]
    rows: list[UnappliedRow]


def unapplied_cash(payments: list[dict[str, Any]], limit: int) -> UnappliedCash:
    """Totals per currency of what is still unapplied; the largest amounts first."""
    waiting = [p for p in payments if to_decimal(p["unapplied"]["amount"]) > 0]
    totals: dict[str, Decimal] = {}
    for p in waiting:
        money = p["unapplied"]
        totals[money["currency"]] = totals.get(money["currency"], Decimal(0)) + to_decimal(money["amount"])
    ordered = sorted(waiting, key=lambda p: (-to_decimal(p["unapplied"]["amount"]), p["payment_id"]))
    return UnappliedCash(
        count=len(waiting),
        totals={c: format_money(v, c) for c, v in sorted(totals.items())},
        rows=[UnappliedRow(
            payment_id=p["payment_id"], received_on=p["received_on"],
            payer=p.get("payer_name") or "", customer_id=p.get("customer_id"),
            method=humanize(p.get("method")),
            amount=format_money(p["amount"]["amount"], p["amount"]["currency"]),
            unapplied=format_money(p["unapplied"]["amount"], p["unapplied"]["currency"]),
            remittance=p.get("remittance") or "") for p in ordered[:limit]])
