"""The collector worklist and the open disputes, from collections' read API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import format_money, to_decimal
from .labels import humanize


@dataclass(frozen=True)
class WorklistRow:
    rank: int
    customer_id: str
    currency: str
    score: str
    overdue: str
    oldest_days: int
    broken_promises: int
    dunning_level: str


@dataclass(frozen=True)
class DisputeRow:
    dispute_id: str
    customer_id: str
    invoice_id: str
    opened_on: str
    reason: str
    description: str
    amount: str


@dataclass(frozen=True)
class Disputes:
    count: int
    totals: dict[str, str]
    rows: list[DisputeRow]


def worklist(entries: list[dict[str, Any]], limit: int) -> list[WorklistRow]:
    """Most urgent first, as the service ranks them."""
    return [WorklistRow(
        rank=i, customer_id=e["customer_id"], currency=e["currency"], score=e["score"],
        overdue=format_money(e["overdue_amount"], e["currency"]),
        oldest_days=int(e["oldest_days_overdue"]), broken_promises=int(e["broken_promises"]),
        dunning_level=humanize(e.get("dunning_level")) or "None yet",
    ) for i, e in enumerate(entries[:limit], start=1)]


def open_disputes(entries: list[dict[str, Any]], limit: int) -> Disputes:
    """Count and amount per currency of every open dispute; the oldest first in the list."""
    open_ones = [d for d in entries if d["status"] == "open"]
    totals: dict[str, Decimal] = {}
    for d in open_ones:
        totals[d["currency"]] = totals.get(d["currency"], Decimal(0)) + to_decimal(d["amount"])
    ordered = sorted(open_ones, key=lambda d: (d["opened_on"], d["dispute_id"]))
    return Disputes(
        count=len(open_ones),
        totals={c: format_money(v, c) for c, v in sorted(totals.items())},
        rows=[DisputeRow(d["dispute_id"], d["customer_id"], d["invoice_id"], d["opened_on"],
                         humanize(d["reason"]), d.get("description") or "",
                         format_money(d["amount"], d["currency"])) for d in ordered[:limit]])
