"""Receivables projection: invoices and every dated movement of their open amounts.

Fed by invoicing, cash-application and our own topic. Each movement is stored once under its
event id with its business instant; open amounts as of any instant are sums over this log,
so the state converges whatever the interleaving of topics (an allocation seen before its
invoice simply waits in the log; queries join on the invoice and pick it up once it lands).

Beside the log, `invoice_balance` keeps each invoice's running sum of movements and the
latest instant among them: "now" (any instant at or after that latest movement) reads the
running sum instead of summing the log. It is updated from the movements actually inserted,
in the same statement, so a duplicate never counts twice.

A batch is folded in Python first, then each table is written once (`unnest` arrays).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.invoicing import InvoiceIssued

from ..domain.movements import movement_of

DDL = """
    CREATE TABLE IF NOT EXISTS invoice (
        invoice_id text PRIMARY KEY, invoice_number text NOT NULL,
        customer_id text NOT NULL, currency text NOT NULL, issue_date date NOT NULL,
        due_date date NOT NULL, issued_at timestamptz NOT NULL, gross numeric NOT NULL);
    CREATE INDEX IF NOT EXISTS invoice_customer ON invoice (customer_id, currency);
    CREATE TABLE IF NOT EXISTS customer (
        customer_id text PRIMARY KEY, name text NOT NULL, language text NOT NULL,
        email text, known_at timestamptz NOT NULL, known_from text NOT NULL);
    CREATE TABLE IF NOT EXISTS invoice_movement (
        event_id uuid PRIMARY KEY, invoice_id text NOT NULL, currency text NOT NULL,
        occurred_at timestamptz NOT NULL, delta numeric NOT NULL, kind text NOT NULL);
    CREATE INDEX IF NOT EXISTS movement_invoice ON invoice_movement (invoice_id, occurred_at);
    CREATE INDEX IF NOT EXISTS movement_at ON invoice_movement (occurred_at);
"""

BALANCE_DDL = """
    CREATE TABLE invoice_balance (
        invoice_id text PRIMARY KEY, open_amount numeric NOT NULL,
        last_moved_at timestamptz NOT NULL);
    CREATE INDEX invoice_balance_last_moved ON invoice_balance (last_moved_at);
    INSERT INTO invoice_balance
        SELECT invoice_id, sum(delta), max(occurred_at) FROM invoice_movement GROUP BY 1;
"""

# In the schema being installed only (the search path goes on to public).
BALANCE_EXISTS = """
    SELECT EXISTS (SELECT 1 FROM pg_tables
                   WHERE schemaname = current_schema() AND tablename = 'invoice_balance')
"""

INSERT_INVOICES = """
    INSERT INTO invoice (invoice_id, invoice_number, customer_id, currency, issue_date,
                         due_date, issued_at, gross)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[],
                         $6::date[], $7::timestamptz[], $8::numeric[])
    ON CONFLICT (invoice_id) DO NOTHING
"""

# The customer's name and language as of their latest invoice (business time, then invoice
# id to break ties), whatever order invoices arrive in.
UPSERT_CUSTOMERS = """
    INSERT INTO customer (customer_id, name, language, email, known_at, known_from)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::text[])
    ON CONFLICT (customer_id) DO UPDATE SET
        name = EXCLUDED.name, language = EXCLUDED.language, email = EXCLUDED.email,
        known_at = EXCLUDED.known_at, known_from = EXCLUDED.known_from
    WHERE (customer.known_at, customer.known_from) <= (EXCLUDED.known_at, EXCLUDED.known_from)
"""

INSERT_MOVEMENTS = """
    WITH inserted AS (
        INSERT INTO invoice_movement (event_id, invoice_id, currency, occurred_at, delta, kind)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[],
                             $5::numeric[], $6::text[])
        ON CONFLICT (event_id) DO NOTHING
        RETURNING invoice_id, occurred_at, delta)
    INSERT INTO invoice_balance (invoice_id, open_amount, last_moved_at)
    SELECT invoice_id, sum(delta), max(occurred_at) FROM inserted GROUP BY invoice_id
    ON CONFLICT (invoice_id) DO UPDATE SET
        open_amount = invoice_balance.open_amount + EXCLUDED.open_amount,
        last_moved_at = greatest(invoice_balance.last_moved_at, EXCLUDED.last_moved_at)
"""


@dataclass(frozen=True)
class CustomerSeen:
    customer_id: str
    name: str
    language: str
    email: str | None
    known_at: datetime
    known_from: str

    @property
    def key(self) -> tuple[datetime, str]:
        return self.known_at, self.known_from


class Receivables:
    name = "receivables"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application, topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)
        if not await conn.fetchval(BALANCE_EXISTS):
            await conn.execute(BALANCE_DDL)  # new, or an older schema: filled from the log

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        invoices: dict[str, tuple[object, ...]] = {}
        customers: dict[str, CustomerSeen] = {}
        movements: dict[UUID, tuple[object, ...]] = {}
        for envelope in events:
            if isinstance(envelope.payload, InvoiceIssued):
                _fold_invoice(invoices, customers, envelope, envelope.payload)
            movement = movement_of(envelope)
            if movement is not None:
                movements.setdefault(envelope.event_id, (
                    envelope.event_id, movement.invoice_id, movement.currency,
                    movement.occurred_at, movement.delta, movement.kind))
        if invoices:
            await conn.execute(INSERT_INVOICES, *_columns(invoices.values(), 8))
        if customers:
            rows = [(c.customer_id, c.name, c.language, c.email, c.known_at, c.known_from)
                    for c in customers.values()]
            await conn.execute(UPSERT_CUSTOMERS, *_columns(rows, 6))
        if movements:
            await conn.execute(INSERT_MOVEMENTS, *_columns(movements.values(), 6))


def _fold_invoice(
    invoices: dict[str, tuple[object, ...]], customers: dict[str, CustomerSeen],
    envelope: Envelope, event: InvoiceIssued,
) -> None:
    """The first issue of an invoice id stays; per customer the latest profile (business
    time, then invoice id; on a tie the later event, as one upsert per event would do)."""
    invoices.setdefault(event.invoice_id, (
        event.invoice_id, event.invoice_number, event.customer.customer_id, event.currency,
        event.issue_date, event.due_date, envelope.occurred_at, event.gross_total.amount))
    seen = CustomerSeen(event.customer.customer_id, event.customer.name,
                        event.customer.language.value, event.customer.email,
                        envelope.occurred_at, event.invoice_id)
    known = customers.get(seen.customer_id)
    if known is None or known.key <= seen.key:
        customers[seen.customer_id] = seen


def _columns(rows: Iterable[Sequence[object]], width: int) -> list[list[object]]:
    """Rows as one list per column, for `unnest($1::type[], ...)`."""
    columns: list[list[object]] = [[] for _ in range(width)]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns

