"""Promises to pay as they stood on a day, derived from the payments: a promise whose date
has passed unpaid is broken on every view (dunning, worklist, account) from the next day,
whether or not anyone evaluated it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import PromiseToPayBroken, PromiseToPayKept

from ..domain.promises import (
    PaymentTowardsPromise,
    PromiseState,
    PromiseStatus,
    evaluate_promise,
)

PROMISES_SQL = """
    SELECT promise_id, customer_id, invoice_ids, amount, currency, promised_date, recorded_on
    FROM promise WHERE recorded_on <= $1 AND ($2::text[] IS NULL OR customer_id = ANY($2))
    ORDER BY promise_id"""
PAYMENTS_SQL = """
    SELECT invoice_id, (occurred_at AT TIME ZONE 'UTC')::date AS paid_on, -delta AS amount
    FROM invoice_movement WHERE invoice_id = ANY($1)
      AND kind IN ('allocated', 'allocation_reversed')
      AND occurred_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'"""


@dataclass(frozen=True)
class PromiseOnDay:
    promise: PromiseState
    status: PromiseStatus
    outcome: PromiseToPayKept | PromiseToPayBroken | None = None

    def figures(self) -> dict[str, object]:
        """What the account view shows of the promise's outcome on that day."""
        kept = self.outcome if isinstance(self.outcome, PromiseToPayKept) else None
        broken = self.outcome if isinstance(self.outcome, PromiseToPayBroken) else None
        return {"status": self.status.value,
                "kept_on": kept.kept_on.isoformat() if kept else None,
                "broken_on": broken.broken_on.isoformat() if broken else None,
                "amount_short": format(broken.amount_short.amount, "f") if broken else None}


async def promises_on(
    conn: asyncpg.Connection, day: date, customer_ids: list[str] | None = None
) -> list[PromiseOnDay]:
    """Every promise recorded by `day` (of these customers), with its status on that day."""
    rows = await conn.fetch(PROMISES_SQL, day, customer_ids)
    promises = [PromiseState(r["promise_id"], r["customer_id"], tuple(r["invoice_ids"]),
                             Money.of(r["amount"], r["currency"]), r["promised_date"],
                             r["recorded_on"]) for r in rows]
    invoices = sorted({i for p in promises for i in p.invoice_ids})
    payments = [PaymentTowardsPromise(r["invoice_id"], r["paid_on"], r["amount"])
                for r in await conn.fetch(PAYMENTS_SQL, invoices, day)] if invoices else []
    found = []
    for promise in promises:
        if day < promise.recorded_on:
            continue
        outcome = evaluate_promise(replace(promise, status=PromiseStatus.OPEN),
                                   _on(payments, promise.invoice_ids), day)
        found.append(PromiseOnDay(promise, _status(outcome), outcome))
    return found


def _status(outcome: PromiseToPayKept | PromiseToPayBroken | None) -> PromiseStatus:
    if outcome is None:
        return PromiseStatus.OPEN
    return PromiseStatus.KEPT if isinstance(outcome, PromiseToPayKept) else PromiseStatus.BROKEN


def _on(payments: list[PaymentTowardsPromise], invoice_ids: Iterable[str]
        ) -> list[PaymentTowardsPromise]:
    wanted = set(invoice_ids)
    return [p for p in payments if p.invoice_id in wanted]


def promised_until(promises: Iterable[PromiseOnDay]) -> dict[str, date]:
    """Per invoice, the latest date of a promise still open: dunning pauses until then."""
    until: dict[str, date] = {}
    for p in promises:
        if p.status is PromiseStatus.OPEN:
            for invoice_id in p.promise.invoice_ids:
                until[invoice_id] = max(until.get(invoice_id, p.promise.promised_date),
                                        p.promise.promised_date)
    return until


def broken_per_account(promises: Iterable[PromiseOnDay]) -> dict[tuple[str, str], int]:
    """Broken promises per customer and currency (for the worklist's priority)."""
    counts: dict[tuple[str, str], int] = {}
    for p in promises:
        if p.status is PromiseStatus.BROKEN:
            key = (p.promise.customer_id, p.promise.amount.currency)
            counts[key] = counts.get(key, 0) + 1
    return counts
