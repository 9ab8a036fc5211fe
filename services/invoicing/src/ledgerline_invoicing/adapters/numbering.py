"""The gap-free document counters, in the write-side schema.

The counter row is incremented with UPDATE ... RETURNING inside the command's transaction: it
stays locked until that transaction ends, so concurrent invoices of one series queue up, and a
transaction that fails gives its number back (no gap)."""

from __future__ import annotations

import asyncpg

from ledgerline_events.runtime.postgres import ident
from ledgerline_invoicing.domain.numbering import NumberSeries, document_number


class DocumentCounters:
    def __init__(self, write_schema: str) -> None:
        self._table = f"{ident(write_schema)}.document_counter"

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(f"""
            CREATE TABLE IF NOT EXISTS {self._table} (
                series text NOT NULL,
                year int NOT NULL,
                last_number bigint NOT NULL,
                PRIMARY KEY (series, year))
        """)

    async def next_number(self, conn: asyncpg.Connection, counter: NumberSeries) -> str:
        """Draw the next number of the series, in the caller's open transaction."""
        sequence = await conn.fetchval(
            f"INSERT INTO {self._table} AS c (series, year, last_number) VALUES ($1, $2, 1) "
            "ON CONFLICT (series, year) DO UPDATE SET last_number = c.last_number + 1 "
            "RETURNING last_number",
            counter.series, counter.year,
        )
        return document_number(counter, int(sequence))
