"""Queries on our read schema that commands need (invoice open amounts, dunning candidates,
promises). Commands never read other services' tables, only our projections of their events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg
import orjson

from ledgerline_events.contract.sales import Language
from ledgerline_events.runtime import set_search_path

from ..domain.ageing import OpenItem
from ..domain.promises import PaymentTowardsPromise

OPEN_AMOUNT_COLLECTIONS_KINDS = ("written_off", "recovered")


@dataclass(frozen=True)
class InvoiceView:
    invoice_id: str
    invoice_number: str
    customer_id: str
    currency: str
    due_date: date
    issue_date: date
    open_amount: Decimal
    open_before_write_offs: Decimal  # gross - credit notes - cancellations - net allocations


@dataclass(frozen=True)
class CustomerProfile:
    customer_id: str
    name: str
    language: Language


@dataclass(frozen=True)
class DunningFacts:
    """What the read side knows about an open invoice for a dunning run on one day."""

    item: OpenItem
    disputed: bool  # under a dispute opened by that day and not resolved by then


class ReadModel:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool = pool
        self.schema = schema

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A read-only snapshot of the read schema (one transaction, unqualified names)."""
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                                 readonly=True):
            await set_search_path(conn, self.schema)
            yield conn

    async def invoice(self, invoice_id: str) -> InvoiceView | None:
        async with self.connection() as conn:
            row = await conn.fetchrow(
                "SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date,"
                " i.issue_date,"
                " coalesce(sum(m.delta), 0) AS open_amount,"
                " coalesce(sum(m.delta) FILTER (WHERE m.kind <> ALL($2::text[])), 0) AS before"
                " FROM invoice i LEFT JOIN invoice_movement m USING (invoice_id)"
                " WHERE i.invoice_id = $1 GROUP BY i.invoice_id",
                invoice_id, list(OPEN_AMOUNT_COLLECTIONS_KINDS),
            )
        if row is None:
            return None
        return InvoiceView(row["invoice_id"], row["invoice_number"], row["customer_id"],
                           row["currency"], row["due_date"], row["issue_date"], row["open_amount"],
                           row["before"])

    async def invoices_of(self, customer_id: str, invoice_ids: list[str]) -> list[InvoiceView]:
        found = [await self.invoice(i) for i in invoice_ids]
        return [v for v in found if v is not None and v.customer_id == customer_id]

    async def customers(self, ids: list[str]) -> dict[str, CustomerProfile]:
        async with self.connection() as conn:
            rows = await conn.fetch(
                "SELECT customer_id, name, language FROM customer WHERE customer_id = ANY($1)", ids
            )
        return {r["customer_id"]: CustomerProfile(r["customer_id"], r["name"],
                                                  Language(r["language"])) for r in rows}

    async def customers_invoiced_by(self, as_of: datetime) -> list[str]:
        """Every customer with an invoice issued by `as_of`, in order (a run goes in slices)."""
        async with self.connection() as conn:
            rows = await conn.fetch("SELECT DISTINCT customer_id FROM invoice "
                                    "WHERE issued_at <= $1 ORDER BY customer_id", as_of)
        return [r["customer_id"] for r in rows]

    async def dunning_facts(
        self, as_of: datetime, customer_ids: list[str] | None = None
    ) -> list[DunningFacts]:
        """Open invoices as of `as_of` (of these customers, if given), each with whether a
        dispute was open on that day: opened by then and not yet resolved (resolved that
        very day: dunning may resume)."""
        sql = OPEN_ITEMS_SQL if customer_ids is None else OPEN_ITEMS_OF_SQL
        args: list[object] = [as_of, None] + ([] if customer_ids is None else [customer_ids])
        async with self.connection() as conn:
            rows = await conn.fetch(sql + """
                SELECT o.*, EXISTS (
                  SELECT 1 FROM dispute d WHERE d.invoice_id = o.invoice_id
                  AND d.opened_on <= ($1 AT TIME ZONE 'UTC')::date
                  AND (d.resolved_on IS NULL OR d.resolved_on > ($1 AT TIME ZONE 'UTC')::date)
                ) AS disputed
                FROM open_items o WHERE o.open_amount > 0""", *args)
        return [DunningFacts(open_item(r), r["disputed"]) for r in rows]

    async def open_items(
        self, as_of: datetime, currency: str | None = None, customer_id: str | None = None,
        known_at: datetime | None = None,
    ) -> list[OpenItem]:
        async with self.connection() as conn:
            return await fetch_open_items(conn, as_of, currency,
                                          None if customer_id is None else [customer_id],
                                          known_at)

    async def letter_account(self, reminder_id: str) -> tuple[str, str] | None:
        """The customer and currency of a letter, if we know it."""
        async with self.connection() as conn:
            row = await conn.fetchrow(
                "SELECT customer_id, currency FROM reminder WHERE reminder_id = $1", reminder_id)
        return None if row is None else (row["customer_id"], row["currency"])

    async def proposed_runs(self) -> list[dict[str, object]]:
        async with self.connection() as conn:
            rows = await conn.fetch("SELECT run_id, run_date, letters::text AS letters FROM"
                                    " dunning_proposal WHERE status = 'proposed' ORDER BY run_date")
        return [{"run_id": r["run_id"], "run_date": r["run_date"].isoformat(),
                 "letters": orjson.loads(r["letters"])} for r in rows]

    async def open_promise_ids(self, customer_ids: list[str] | None = None) -> list[str]:
        async with self.connection() as conn:
            rows = await conn.fetch(
                "SELECT promise_id FROM promise WHERE status = 'open'"
                " AND ($1::text[] IS NULL OR customer_id = ANY($1)) ORDER BY promise_id",
                customer_ids,
            )
        return [r["promise_id"] for r in rows]

    async def payments_on(self, invoice_ids: list[str]) -> list[PaymentTowardsPromise]:
        """Allocations (positive) and their reversals (negative) on these invoices, by date."""
        async with self.connection() as conn:
            rows = await conn.fetch(
                "SELECT invoice_id, (occurred_at AT TIME ZONE 'UTC')::date AS paid_on,"
                " -delta AS amount FROM invoice_movement WHERE invoice_id = ANY($1)"
                " AND kind IN ('allocated', 'allocation_reversed')", invoice_ids,
            )
        return [PaymentTowardsPromise(r["invoice_id"], r["paid_on"], r["amount"]) for r in rows]


def _open_items_sql(customers: str) -> str:
    """Open amount of every invoice as of $1 (movements at or before the instant); optional
    currency filter ($2); `customers` narrows further. Settled invoices (zero) are left out.
    An invoice whose latest movement is at or before $1 (all of them, for "now") takes its
    running balance; only the others sum their dated movements up to $1."""
    return f"""
WITH chosen AS (
    SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date,
           b.open_amount, b.last_moved_at
    FROM invoice i JOIN invoice_balance b USING (invoice_id)
    WHERE i.issued_at <= $1 AND ($2::text IS NULL OR i.currency = $2) {customers}),
open_items AS (
    SELECT invoice_id, invoice_number, customer_id, currency, due_date, open_amount
    FROM chosen WHERE last_moved_at <= $1 AND open_amount <> 0
    UNION ALL
    SELECT c.invoice_id, c.invoice_number, c.customer_id, c.currency, c.due_date,
           sum(m.delta) AS open_amount
    FROM chosen c JOIN invoice_movement m USING (invoice_id)
    WHERE c.last_moved_at > $1 AND m.occurred_at <= $1
    GROUP BY c.invoice_id, c.invoice_number, c.customer_id, c.currency, c.due_date
    HAVING sum(m.delta) <> 0)
"""


OPEN_ITEMS_SQL = _open_items_sql("")
# A plain condition on $3 (not "$3 IS NULL OR ..."), so even a generic plan takes the
# invoice(customer_id) index instead of reading every invoice.
OPEN_ITEMS_OF_SQL = _open_items_sql("AND i.customer_id = ANY($3::text[])")


# Known at $4: only movements recorded by then (and invoices whose issue was), i.e. what
# the open items as of $1 looked like at that recorded time: the month-end ageing as printed,
# before the late bank file arrived. Always sums the dated movements.
KNOWN_AT_SQL = """
WITH open_items AS (
    SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date,
           sum(m.delta) AS open_amount
    FROM invoice i JOIN invoice_movement m USING (invoice_id)
    WHERE i.issued_at <= $1 AND ($2::text IS NULL OR i.currency = $2)
      AND ($3::text[] IS NULL OR i.customer_id = ANY($3::text[]))
      AND m.occurred_at <= $1 AND (m.recorded_at IS NULL OR m.recorded_at <= $4)
    GROUP BY i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date
    HAVING sum(m.delta) <> 0 AND bool_or(m.kind = 'issued'))
SELECT * FROM open_items"""


async def fetch_open_items(
    conn: asyncpg.Connection, as_of: datetime, currency: str | None = None,
    customer_ids: list[str] | None = None, known_at: datetime | None = None,
) -> list[OpenItem]:
    """Open items as of an instant, of every customer or only of `customer_ids`; with
    `known_at`, as we knew them at that recorded time."""
    if known_at is not None:
        rows = await conn.fetch(KNOWN_AT_SQL, as_of, currency, customer_ids, known_at)
    elif customer_ids is None:
        rows = await conn.fetch(OPEN_ITEMS_SQL + " SELECT * FROM open_items", as_of, currency)
    else:
        rows = await conn.fetch(OPEN_ITEMS_OF_SQL + " SELECT * FROM open_items",
                                as_of, currency, customer_ids)
    return [open_item(r) for r in rows]


def open_item(row: asyncpg.Record) -> OpenItem:
    return OpenItem(row["invoice_id"], row["invoice_number"], row["customer_id"],
                    row["currency"], row["due_date"], row["open_amount"])
