"""The write limit: asyncpg COPY of one flat row per event into a plain table (no index)."""

from __future__ import annotations

import time
from typing import Any

import asyncpg

from ledgerline_events.runtime import ident

from .config import BenchConfig
from .history import generate
from .progress import Meter

COLUMNS = ("event_id", "producer", "customer_id", "invoice_id", "occurred_at", "amount", "kind")
CHUNK = 50_000


async def raw_copy(cfg: BenchConfig) -> dict[str, Any]:
    """Rows are generated outside the timed part; only the COPY calls are timed."""
    schema = ident(cfg.schema("limits"))
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        await conn.execute(
            f"CREATE TABLE {schema}.event_row (event_id uuid, producer text, customer_id text,"
            " invoice_id text, occurred_at timestamptz, amount numeric, kind text)")
        meter, copied, timed = Meter("raw COPY", cfg.events), 0, 0.0
        chunk: list[tuple[Any, ...]] = []
        for m in generate(cfg.events, cfg.customers, cfg.seed):
            chunk.append(m.row)
            if len(chunk) == CHUNK:
                timed += await _copy(conn, cfg.schema("limits"), chunk)
                copied += len(chunk)
                chunk = []
                meter.update(copied)
        if chunk:
            timed += await _copy(conn, cfg.schema("limits"), chunk)
            copied += len(chunk)
    finally:
        await conn.close()
    rate = copied / timed if timed > 0 else 0.0
    print(f"  raw COPY: {copied:,} rows in {timed:,.1f} s (COPY time only) = {rate:,.0f}/s",
          flush=True)
    return {"rows": copied, "seconds": timed, "events_per_s": rate}


async def _copy(conn: asyncpg.Connection, schema: str, rows: list[tuple[Any, ...]]) -> float:
    began = time.perf_counter()
    await conn.copy_records_to_table("event_row", records=rows, columns=COLUMNS,
                                     schema_name=schema)
    return time.perf_counter() - began
