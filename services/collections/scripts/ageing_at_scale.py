"""Times the ageing report at scale (not a test: figures for a person to read).

Fills a scratch schema `scratch_ageing_<random>` with CUSTOMERS customers and one open invoice
per OPEN_ITEMS / CUSTOMERS of them (an issue movement each, a partial payment on 3 in 10,
due dates over the last 170 days and the next 29), lets the Receivables projection's
install() build its balances and roll-ups from that log, then times the report paths the
API serves (report call + JSON encoding) and drops the schema.

    .venv/bin/python services/collections/scripts/ageing_at_scale.py [--customers 100000]
        [--open-items 1000000] [--runs 30] [--keep] [--dsn postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from ledgerline_collections.adapters.ageing_report import Page, ageing, from_movements
from ledgerline_collections.adapters.read_model import ReadModel
from ledgerline_collections.domain.ageing import AgeingBuckets
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_events.runtime import set_search_path

TODAY = datetime(2026, 6, 15, 12, tzinfo=UTC)
BUCKETS = AgeingBuckets()

# $1 customers, $2 invoices, $3 today. Customer n's currency: EUR, USD or GBP, one in ten
# invoicing in two; amounts 10.00 to 10,009.99.
INVOICES_SQL = """
INSERT INTO invoice
SELECT 'i-' || g, 'INV-' || g, 'C' || lpad((g % $1)::text, 7, '0'),
       CASE WHEN g % $1 % 10 < 6 THEN 'EUR' WHEN g % $1 % 10 < 8 THEN 'USD'
            WHEN g % $1 % 10 = 8 THEN 'GBP' WHEN g / $1 % 2 = 0 THEN 'EUR' ELSE 'GBP' END,
       due - 30, due, (due - 30) + time '09:00', 10 + (g * 104729 % 1000000)::numeric / 100
FROM generate_series(0::bigint, $2 - 1) g, LATERAL (SELECT $3::date + 29 - (g * 7919 % 200)::int AS due) d
"""
ISSUED_SQL = """
INSERT INTO invoice_movement
SELECT gen_random_uuid(), invoice_id, currency, issued_at, gross, 'issued' FROM invoice
"""
PAID_SQL = """
INSERT INTO invoice_movement
SELECT gen_random_uuid(), invoice_id, currency, least(issued_at + interval '10 days', $1),
       -round(gross / 3, 2), 'allocated'
FROM invoice WHERE substr(invoice_id, 3)::bigint % 10 < 3
"""


async def fill(conn: asyncpg.Connection, customers: int, items: int) -> None:
    projection = Receivables()
    await projection.install(conn)
    began = time.perf_counter()
    await conn.execute(INVOICES_SQL, customers, items, TODAY.date())
    print(f"invoices: {time.perf_counter() - began:.1f} s")
    await conn.execute(ISSUED_SQL)
    await conn.execute(PAID_SQL, TODAY - timedelta(hours=1))
    began = time.perf_counter()
    await conn.execute("DROP TABLE invoice_balance, ageing_due, customer_open, open_customers")
    await projection.install(conn)  # balances and roll-ups from the log, as for an old schema
    print(f"install() from the log: {time.perf_counter() - began:.1f} s")
    await conn.execute("ANALYZE")


async def timed(label: str, runs: int, call: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    ms: list[float] = []
    size = 0
    for _ in range(runs):
        began = time.perf_counter()
        size = len(json.dumps(await call()))
        ms.append((time.perf_counter() - began) * 1000)
    ms.sort()
    p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
    print(f"{label}: n={runs} p50 {statistics.median(ms):.1f} ms p95 {p95:.1f} ms"
          f" ({size:,} bytes)")


async def measure(pool: asyncpg.Pool, schema: str, runs: int) -> None:
    read = ReadModel(pool, schema)
    customer = "C0004242"
    past = TODAY - timedelta(days=45)

    async def whole() -> dict[str, Any]:  # what GET /ageing answered before: every customer
        async with read.connection() as conn:
            return await from_movements(conn, BUCKETS, TODAY, None, None, Page(limit=10**9))

    await timed("now, first page (GET /ageing)", runs,
                lambda: ageing(read, BUCKETS, TODAY, None, None, Page()))
    await timed("now, page after C0050000", runs,
                lambda: ageing(read, BUCKETS, TODAY, None, None, Page(after="C0050000")))
    await timed("now, top 5 overdue per currency (dashboard)", runs,
                lambda: ageing(read, BUCKETS, TODAY, None, None, Page("overdue", 5)))
    await timed("now, EUR only, top 100 overdue", runs,
                lambda: ageing(read, BUCKETS, TODAY, "EUR", None, Page("overdue", 100)))
    await timed("one customer", runs, lambda: ageing(read, BUCKETS, TODAY, None, customer, Page()))
    await timed("as of 45 days ago, first page (every item)", min(runs, 3),
                lambda: ageing(read, BUCKETS, past, None, None, Page()))
    await timed("before: whole report, every customer", min(runs, 3), whole)


async def main(args: argparse.Namespace) -> None:
    schema = f"scratch_ageing_{secrets.token_hex(4)}"
    pool = await asyncpg.create_pool(args.dsn, min_size=1, max_size=2)
    assert pool is not None
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            await set_search_path(conn, schema)
            began = time.perf_counter()
            await fill(conn, args.customers, args.open_items)
            print(f"{schema}: {args.customers:,} customers, {args.open_items:,} open items"
                  f" in {time.perf_counter() - began:.0f} s")
        await measure(pool, schema, args.runs)
    finally:
        if not args.keep:
            async with pool.acquire() as conn:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--open-items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="leave the schema (drop it yourself)")
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:15432/ledgerline")
    asyncio.run(main(parser.parse_args()))
