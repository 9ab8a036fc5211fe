"""The cash forecast from the read model (domain/cash_forecast.py): what was open, disputed,
collected and promised at a date, and, for the back-test, what was collected after. By
business time (what happened by T); `recorded` also leaves out what was recorded after T:
the forecast a person saw then (the same, unless history was loaded later, as a migration or
the simulator does)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from ..domain.cash_forecast import (
    WEEKS,
    BacktestPoint,
    OpenInvoice,
    Settlement,
    backtest_error,
    collected,
    day_errors,
    expected_payments,
    habits,
    monthly,
    weekly,
)
from .read_model import ReadModel

# Money collected on invoices: allocations, less those reversed (each on its own day).
SETTLEMENTS = """
    SELECT i.customer_id, i.currency, i.due_date, i.invoice_id,
           (m.occurred_at AT TIME ZONE 'UTC')::date AS paid_on, -m.delta AS amount
    FROM invoice_movement m JOIN invoice i USING (invoice_id)
    WHERE m.kind IN ('allocated', 'allocation_reversed') AND m.occurred_at <= $1
      AND ($2::timestamptz IS NULL OR coalesce(m.recorded_at, m.occurred_at) <= $2)"""


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


async def _state(conn: asyncpg.Connection, read: ReadModel, as_of: date, recorded: bool
                 ) -> tuple[list[OpenInvoice], list[Settlement], frozenset[str]]:
    """The end of `as_of`: open invoices (disputed or not), the collections before, and who
    had broken a promise."""
    end = _end_of(as_of)
    known_at = end if recorded else None
    items = await read.open_items(end, known_at=known_at)
    disputed = {r[0] for r in await conn.fetch(
        "SELECT invoice_id FROM dispute WHERE opened_on <= $1 AND (resolved_on IS NULL OR "
        "resolved_on > $1)", as_of)}
    history = [Settlement(r["customer_id"], r["currency"], r["due_date"], r["paid_on"],
                          r["amount"]) for r in await conn.fetch(SETTLEMENTS, end, known_at)]
    broke = frozenset(r[0] for r in await conn.fetch(
        "SELECT DISTINCT customer_id FROM promise WHERE broken_on <= $1", as_of))
    open_items = [OpenInvoice(i.invoice_id, i.customer_id, i.currency, i.due_date,
                              i.open_amount, i.invoice_id in disputed) for i in items]
    return open_items, history, broke


async def forecast(read: ReadModel, as_of: date, weeks: int = WEEKS, recorded: bool = False
                   ) -> dict[str, Any]:
    async with read.connection() as conn:
        open_items, history, broke = await _state(conn, read, as_of, recorded)
    late, overall = habits(history, broke)
    expected = expected_payments(open_items, late, overall, as_of)
    return {
        "as_of": as_of.isoformat(), "weeks": weeks, "customers_days_late": late,
        "everyone_days_late": overall,
        "weekly": {c: [{"week_from": (as_of + timedelta(weeks=n)).isoformat(),
                        "amount": format(a, "f")} for n, a in enumerate(amounts)]
                   for c, amounts in sorted(weekly(expected, as_of, weeks).items())},
        "monthly": {c: {m: format(a, "f") for m, a in months.items()}
                    for c, months in sorted(monthly(expected, as_of, weeks).items())},
        "not_expected": sorted(i.invoice_id for i in open_items if i.disputed and i.open_amount > 0),
        "invoices": [{"invoice_id": e.invoice_id, "customer_id": e.customer_id,
                      "currency": e.currency, "expected_on": e.on.isoformat(),
                      "amount": format(e.amount, "f")}
                     for e in sorted(expected, key=lambda e: (e.on, e.invoice_id))],
    }


async def backtest(read: ReadModel, first: date, last: date, step_weeks: int = 4,
                   weeks: int = WEEKS, recorded: bool = False) -> dict[str, Any]:
    """The forecast as known at `first`, `first` + step, ... up to `last`, each against what
    was collected in the weeks after it (as known now)."""
    points: list[BacktestPoint] = []
    async with read.connection() as conn:
        now = datetime.now(UTC)
        truth = [Settlement(r["customer_id"], r["currency"], r["due_date"], r["paid_on"],
                            r["amount"], r["invoice_id"])
                 for r in await conn.fetch(SETTLEMENTS, now, None)]
        paid = await conn.fetch(SETTLEMENTS + " AND m.kind = 'allocated'", now, None)
        last_fact = max((r["paid_on"] for r in paid), default=last)  # the last money collected:
        # weeks after it are not known yet
        day = first
        while day <= last:
            open_items, history, broke = await _state(conn, read, day, recorded)
            late, overall = habits(history, broke)
            expected = expected_payments(open_items, late, overall, day)
            first_paid: dict[str, date] = {}
            for r in paid:
                if r["paid_on"] >= day:
                    first_paid[r["invoice_id"]] = min(first_paid.get(r["invoice_id"], r["paid_on"]),
                                                      r["paid_on"])
            points.append(BacktestPoint(day, weekly(expected, day, weeks),
                                        collected(truth, day, weeks,
                                                  {i.invoice_id for i in open_items}),
                                        day_errors(expected, first_paid),
                                        min(weeks, max((last_fact - day).days // 7, 0))))
            day += timedelta(weeks=step_weeks)
    error = backtest_error(points, weeks)
    return {"from": first.isoformat(), "to": last.isoformat(), "step_weeks": step_weeks,
            "points": error.points, "invoices_compared": sum(len(p.days_errors) for p in points),
            "mae_days": None if error.mae_days is None else format(error.mae_days, "f"),
            "mae_weekly_amount": {c: format(v, "f") for c, v in error.mae_amount.items()},
            "history_ends": last_fact.isoformat(),
            "forecasts": [{"as_of": p.as_of.isoformat(), "weeks_checked": p.known_weeks,
                           "forecast": {c: format(sum(v, Decimal(0)), "f")
                                        for c, v in sorted(p.forecast.items())},
                           "collected": {c: format(sum(v, Decimal(0)), "f")
                                         for c, v in sorted(p.actual.items())}}
                          for p in points]}
