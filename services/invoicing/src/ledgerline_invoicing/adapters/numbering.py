"""The gap-free, chronological document counters, in the write-side schema.

The counter row is incremented with UPDATE ... RETURNING inside the command's transaction: it
stays locked until that transaction ends, so concurrent invoices of one series queue up, and a
transaction that fails gives its number back (no gap)."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledgerline_events.runtime.postgres import ident
from ledgerline_invoicing.domain.numbering import (
    NumberSeries,
    chronological_issue_date,
    document_number,
)


class DocumentCounters:
    def __init__(self, write_schema: str) -> None:
        self._table = f"{ident(write_schema)}.document_counter"

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(f"""
            CREATE TABLE IF NOT EXISTS {self._table} (
                series text NOT NULL,
                year int NOT NULL,
                last_number bigint NOT NULL,
                PRIMARY KEY (series, year));
            ALTER TABLE {self._table} ADD COLUMN IF NOT EXISTS last_issue_date date
        """)

    async def next_number(
        self, conn: asyncpg.Connection, counter: NumberSeries, issue_date: date,
        *, late_to_last: bool = False,
    ) -> tuple[str, date]:
        """Draw the next number of the series and the issue date it goes with (see
        `chronological_issue_date`), in the caller's open transaction. The counter row is
        created, then locked, before the last issue date is read, so concurrent writers
        judge their dates one after the other."""
        await conn.execute(
            f"INSERT INTO {self._table} (series, year, last_number) VALUES ($1, $2, 0) "
            "ON CONFLICT (series, year) DO NOTHING", counter.series, counter.year)
        last = await conn.fetchval(
            f"SELECT last_issue_date FROM {self._table} WHERE series = $1 AND year = $2 "
            "FOR UPDATE", counter.series, counter.year)
        dated = chronological_issue_date(issue_date, last, late_to_last=late_to_last)
        sequence = await conn.fetchval(
            f"UPDATE {self._table} SET last_number = last_number + 1, last_issue_date = $3 "
            "WHERE series = $1 AND year = $2 RETURNING last_number",
            counter.series, counter.year, dated,
        )
        return document_number(counter, int(sequence)), dated
