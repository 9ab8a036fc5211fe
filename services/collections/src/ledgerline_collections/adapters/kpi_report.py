"""KPIs of a period [from, to] (dates, inclusive, UTC), per currency, from our projections.

AR at an instant is the sum of movements before it; credit sales are invoices issued in the
period (gross). Countback DSO walks back calendar months from `to` (the month of `to` up to
`to`, then whole months, at most 12). Disputed = disputes open at the end of `to`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ..domain.kpis import SalesPeriod, collection_effectiveness_index, dso_countback, dso_standard
from .read_model import ReadModel
from .reports import money

COUNTBACK_MONTHS = 12

AR_SQL = """
SELECT i.currency,
  coalesce(sum(m.delta) FILTER (WHERE m.occurred_at < $1), 0) AS opening_ar,
  coalesce(sum(m.delta) FILTER (WHERE m.occurred_at < $2), 0) AS closing_ar,
  coalesce(sum(m.delta) FILTER (WHERE m.occurred_at < $2 AND i.due_date >= $3), 0) AS current_ar,
  coalesce(sum(m.delta) FILTER (WHERE m.kind = 'issued' AND m.occurred_at >= $1
                                AND m.occurred_at < $2), 0) AS credit_sales,
  coalesce(sum(-m.delta) FILTER (WHERE m.kind = 'written_off' AND m.occurred_at >= $1
                                 AND m.occurred_at < $2), 0) AS written_off,
  coalesce(sum(m.delta) FILTER (WHERE m.kind = 'recovered' AND m.occurred_at >= $1
                                AND m.occurred_at < $2), 0) AS recovered
FROM invoice i JOIN invoice_movement m USING (invoice_id)
GROUP BY i.currency
"""

SALES_SQL = """
SELECT i.currency, coalesce(sum(m.delta), 0) AS sales
FROM invoice i JOIN invoice_movement m USING (invoice_id)
WHERE m.kind = 'issued' AND m.occurred_at >= $1 AND m.occurred_at < $2
GROUP BY i.currency
"""

DISPUTED_SQL = """
SELECT currency, sum(amount) AS disputed FROM dispute
WHERE opened_on <= $1 AND (resolved_on IS NULL OR resolved_on > $1)
GROUP BY currency
"""


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def countback_months(to: date) -> list[tuple[date, date]]:
    """(first day, last day) of the month of `to` up to `to`, then whole months before it."""
    periods, end = [], to
    for _ in range(COUNTBACK_MONTHS):
        first = end.replace(day=1)
        periods.append((first, end))
        end = first - timedelta(days=1)
    return periods


async def kpis(read: ReadModel, start: date, to: date) -> dict[str, Any]:
    period_start, period_end = start_of(start), start_of(to + timedelta(days=1))
    async with read.connection() as conn:
        ar = await conn.fetch(AR_SQL, period_start, period_end, to)
        disputed = {r["currency"]: r["disputed"] for r in await conn.fetch(DISPUTED_SQL, to)}
        months = []
        for first, last in countback_months(to):
            rows = await conn.fetch(SALES_SQL, start_of(first), start_of(last + timedelta(days=1)))
            months.append(((last - first).days + 1, {r["currency"]: r["sales"] for r in rows}))
    days = (to - start).days + 1
    currencies: dict[str, Any] = {}
    for r in ar:
        cur = r["currency"]
        periods = [SalesPeriod(n, sales.get(cur, Decimal(0))) for n, sales in months]
        currencies[cur] = {
            "opening_ar": money(r["opening_ar"]), "closing_ar": money(r["closing_ar"]),
            "closing_current_ar": money(r["current_ar"]),
            "credit_sales": money(r["credit_sales"]),
            "dso_countback": _maybe(dso_countback(r["closing_ar"], periods)),
            "dso_standard": _maybe(dso_standard(r["closing_ar"], r["credit_sales"], days)),
            "cei_percent": _maybe(collection_effectiveness_index(
                r["opening_ar"], r["credit_sales"], r["closing_ar"], r["current_ar"])),
            "disputed": money(disputed.get(cur, Decimal(0))),
            "written_off": money(r["written_off"]), "recovered": money(r["recovered"]),
        }
    return {"from": start.isoformat(), "to": to.isoformat(), "days": days,
            "dso_method": "countback", "currencies": currencies}


def _maybe(value: Decimal | None) -> str | None:
    return None if value is None else money(value)
