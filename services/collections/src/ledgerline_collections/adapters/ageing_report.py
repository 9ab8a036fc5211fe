"""The ageing report: totals per currency and bucket, and one page of customers.

"Now" (any instant at or after the latest movement) reads the roll-ups the Receivables
projection keeps (open amount per currency and due date; per customer and currency), so its
cost does not grow with the number of open items: only the page's customers are read item by
item, through the invoice(customer_id) index. An earlier instant sums the dated movements of
every open item (exact, and as slow as there are open items), then pages the same way.

Pages: `customer_id` order (default) lists customers with open items by id, `after` the last
one of the previous page; `overdue` order ranks, per currency, the customers owing the most
past due (top `limit` per currency, no further page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import asyncpg

from ledgerline_events.contract.money import minor_unit

from ..domain.ageing import (
    AgeingBuckets,
    AgeingReport,
    BucketTotals,
    DueAmount,
    age_due_amounts,
    age_open_items,
    most_overdue,
    overdue_amount,
)
from ..projections.receivables import ANY_CURRENCY
from .read_model import ReadModel, fetch_open_items
from .reports import money

MAX_PAGE = 1000
Order = Literal["customer_id", "overdue"]


@dataclass(frozen=True)
class Page:
    order: Order = "customer_id"
    limit: int = 100
    after: str | None = None


@dataclass(frozen=True)
class Listed:
    """The customers of one page, their ageing, and how many there are in all."""

    customers: dict[tuple[str, str], BucketTotals]
    count: int
    next_after: str | None = None
    ranking: dict[str, list[str]] | None = None


LATEST_MOVE_SQL = "SELECT max(last_moved_at) FROM invoice_balance"
DUE_SQL = """
    SELECT currency, due_date, open_amount FROM ageing_due
    WHERE open_items > 0 AND ($1::text IS NULL OR currency = $1)
"""
# Currency '' (ANY_CURRENCY): every currency; see the Receivables projection.
COUNT_SQL = "SELECT coalesce((SELECT customers FROM open_customers WHERE currency = $1), 0)"
# customer_id is COLLATE "C": the order of Python's str, as the as-of path sorts.
PAGE_SQL = """
    SELECT DISTINCT customer_id FROM customer_open
    WHERE open_items > 0 AND ($1::text IS NULL OR currency = $1) AND customer_id > $2
    ORDER BY customer_id LIMIT $3
"""
# Customers of a currency by their positive open amounts, the most first, after a cursor.
OWING_SQL = """
    SELECT customer_id, open_positive FROM customer_open
    WHERE currency = $1 AND open_positive > 0
      AND ($2::numeric IS NULL OR open_positive < $2 OR (open_positive = $2 AND customer_id > $3))
    ORDER BY open_positive DESC, customer_id LIMIT $4
"""
OVERDUE_SQL = """
    SELECT i.customer_id, sum(b.open_amount) AS overdue
    FROM invoice i JOIN invoice_balance b USING (invoice_id)
    WHERE i.customer_id = ANY($3::text[]) AND i.currency = $1 AND i.due_date < $2
    GROUP BY i.customer_id
"""


async def ageing(
    read: ReadModel, buckets: AgeingBuckets, as_of: datetime, currency: str | None,
    customer_id: str | list[str] | None, page: Page, known_at: datetime | None = None,
) -> dict[str, Any]:
    """Ageing as of an instant: open amounts from movements up to it, bucketed by its date;
    with `known_at`, as we knew them then. Customers asked for by id are all listed, those
    owing nothing at zero."""
    customer_ids = [customer_id] if isinstance(customer_id, str) else customer_id
    async with read.connection() as conn:
        latest = await conn.fetchval(LATEST_MOVE_SQL)
        if customer_ids is None and known_at is None and (latest is None or latest <= as_of):
            report = await from_roll_ups(conn, buckets, as_of, currency, page)
        else:
            report = await from_movements(conn, buckets, as_of, currency, customer_ids, page,
                                          known_at)
        if customer_ids is not None:
            await _with_zeros(conn, report, customer_ids, currency)
    return report


CURRENCIES_SQL = """
    SELECT DISTINCT customer_id, currency FROM invoice
    WHERE customer_id = ANY($1::text[]) AND ($2::text IS NULL OR currency = $2)"""


async def _with_zeros(conn: asyncpg.Connection, report: dict[str, Any], customer_ids: list[str],
                      currency: str | None) -> None:
    """Every customer asked for, in every currency they were ever invoiced in (or the one
    asked for), at zero where nothing is open; one never invoiced shows no currency."""
    customers = report["customers"]
    for r in await conn.fetch(CURRENCIES_SQL, customer_ids, currency):
        customers.setdefault(r["customer_id"], {}).setdefault(
            r["currency"], _zero_figures(report["buckets"], r["currency"]))
    for customer in customer_ids:
        customers.setdefault(customer, {})
    report["customers"] = dict(sorted(customers.items()))


async def from_roll_ups(
    conn: asyncpg.Connection, buckets: AgeingBuckets, now: datetime, currency: str | None,
    page: Page,
) -> dict[str, Any]:
    """The report at an instant no movement is later than (else wrong: use from_movements)."""
    totals = age_due_amounts(
        [DueAmount(r["currency"], r["due_date"], r["open_amount"])
         for r in await conn.fetch(DUE_SQL, currency)], now.date(), buckets)
    listed = await _listed_now(conn, buckets, now, currency, page, sorted(totals))
    return _json(now, buckets.labels, totals, listed, page)


async def from_movements(
    conn: asyncpg.Connection, buckets: AgeingBuckets, as_of: datetime, currency: str | None,
    customer_ids: list[str] | None, page: Page, known_at: datetime | None = None,
) -> dict[str, Any]:
    """The report at any instant, from every open item (of these customers, if given)."""
    items = await fetch_open_items(conn, as_of, currency, customer_ids, known_at)
    report = age_open_items(items, as_of.date(), buckets)
    return _json(as_of, report.labels, report.totals, _paged(report, page), page, known_at)


def _paged(report: AgeingReport, page: Page) -> Listed:
    """A page of a report holding every customer (the as-of and one-customer paths)."""
    count = len({customer for customer, _ in report.customers})
    if page.order == "overdue":
        ranking = most_overdue(((c, cur, overdue_amount(t)) for (c, cur), t in
                                report.customers.items()), page.limit)
        return Listed(_ranked(report.customers, ranking), count, None, ranking)
    ids = sorted({c for c, _ in report.customers if page.after is None or c > page.after})
    shown = set(ids[:page.limit])
    return Listed({k: t for k, t in report.customers.items() if k[0] in shown}, count,
                  _next_after(ids, page.limit))


def _next_after(ids: list[str], limit: int) -> str | None:
    """The cursor of the next page, if there is one (`ids`: this page and beyond)."""
    return ids[limit - 1] if len(ids) > limit > 0 else None


def _ranked(customers: dict[tuple[str, str], BucketTotals], ranking: dict[str, list[str]]
            ) -> dict[tuple[str, str], BucketTotals]:
    return {(c, cur): customers[(c, cur)] for cur, ids in ranking.items() for c in ids}


async def _listed_now(
    conn: asyncpg.Connection, buckets: AgeingBuckets, now: datetime, currency: str | None,
    page: Page, currencies: list[str],
) -> Listed:
    """The page from the roll-ups; only its customers' open items are read."""
    count = await conn.fetchval(COUNT_SQL, currency or ANY_CURRENCY)
    if page.order == "overdue":
        ranking = {cur: ids for cur in currencies
                   if (ids := await _most_overdue_now(conn, cur, now.date(), page.limit))}
        chosen = sorted({c for ids in ranking.values() for c in ids})
        aged = await _customers_aged(conn, buckets, now, currency, chosen)
        return Listed(_ranked(aged, ranking), count, None, ranking)
    rows = await conn.fetch(PAGE_SQL, currency, page.after or "", page.limit + 1)
    ids = [r["customer_id"] for r in rows]
    aged = await _customers_aged(conn, buckets, now, currency, ids[:page.limit])
    return Listed(aged, count, _next_after(ids, page.limit))


async def _customers_aged(
    conn: asyncpg.Connection, buckets: AgeingBuckets, now: datetime, currency: str | None,
    customer_ids: list[str],
) -> dict[tuple[str, str], BucketTotals]:
    if not customer_ids:
        return {}
    items = await fetch_open_items(conn, now, currency, customer_ids)
    return age_open_items(items, now.date(), buckets).customers


async def _most_overdue_now(
    conn: asyncpg.Connection, currency: str, today: date, limit: int
) -> list[str]:
    """The `limit` customers owing the most past due in `currency`, without ageing everyone.

    What a customer has overdue is at most the sum of its positive open amounts, which the
    roll-up keeps. Customers are read in that order, a chunk at a time, and their exact
    overdue summed; once the last of the best `limit` so far owes more past due than the next
    customer could at most, no later one can enter the ranking."""
    ranked: list[str] = []
    overdue: dict[str, Decimal] = {}
    cursor: tuple[Decimal | None, str] = (None, "")
    chunk = max(4 * limit, 20)  # a few more than asked: most often one chunk is enough
    while limit > 0:
        rows = await conn.fetch(OWING_SQL, currency, *cursor, chunk)
        if not rows:
            break
        ids = [r["customer_id"] for r in rows]
        overdue.update({r["customer_id"]: r["overdue"]
                        for r in await conn.fetch(OVERDUE_SQL, currency, today, ids)})
        ranked = most_overdue(((c, currency, o) for c, o in overdue.items()), limit).get(currency, [])
        bound = rows[-1]["open_positive"]
        if len(rows) < chunk or (len(ranked) == limit and overdue[ranked[-1]] > bound):
            break
        overdue = {c: overdue[c] for c in ranked}
        cursor = (bound, rows[-1]["customer_id"])
    return ranked


def _json(as_of: datetime, labels: list[str], totals: dict[str, BucketTotals], listed: Listed,
          page: Page, known_at: datetime | None = None) -> dict[str, Any]:
    customers: dict[str, dict[str, Any]] = {}
    for (customer, currency), figures in listed.customers.items():
        customers.setdefault(customer, {})[currency] = _figures(figures, currency)
    paging: dict[str, Any] = {"order": page.order, "limit": page.limit, "after": page.after,
                              "next_after": listed.next_after}
    if listed.ranking is not None:
        paging["ranking"] = listed.ranking
    return {
        "as_of": as_of.isoformat(), "as_of_date": as_of.date().isoformat(),
        "known_at": None if known_at is None else known_at.isoformat(), "buckets": labels,
        "currencies": {c: _figures(t, c) for c, t in sorted(totals.items())},
        "customer_count": listed.count, "customers": customers, "page": paging,
    }


def _zero_figures(labels: list[str], currency: str) -> dict[str, Any]:
    return {"buckets": {label: _amount(Decimal(0), currency) for label in labels},
            "total": _amount(Decimal(0), currency)}


def _figures(t: BucketTotals, currency: str) -> dict[str, Any]:
    return {"buckets": {k: _amount(v, currency) for k, v in t.buckets.items()},
            "total": _amount(t.total, currency)}


def _amount(value: Decimal, currency: str) -> str:
    """In the currency's minor units (0.00 EUR, 0 JPY) when that loses nothing, else every
    significant decimal: the same text whichever path summed it (a running sum keeps as many
    decimals as the most precise amount it ever held, settled ones included)."""
    exact = value.quantize(Decimal(1).scaleb(-minor_unit(currency)))
    return money(exact if exact == value else value.normalize())
