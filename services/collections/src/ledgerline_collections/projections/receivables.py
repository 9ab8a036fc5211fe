"""Receivables projection: invoices and every dated movement of their open amounts.

Fed by invoicing, cash-application and our own topic. Each movement is stored once under its
event id with its business instant; open amounts as of any instant are sums over this log,
so the state converges whatever the interleaving of topics (an allocation seen before its
invoice simply waits in the log; queries join on the invoice and pick it up once it lands).

Beside the log, `invoice_balance` keeps each invoice's running sum of movements and the
latest instant among them: "now" (any instant at or after that latest movement) reads the
running sum instead of summing the log. It is updated from the movements actually inserted,
in the same statement, so a duplicate never counts twice.

Two roll-ups of those balances serve the ageing report "now" without reading every open
item: `ageing_due` (open amount and count of open invoices per currency and due date) and
`customer_open` (per customer and currency: open amount, the sum of its positive open
amounts, an upper bound of what it can have overdue, and its count of open invoices), with
`open_customers` counting customers with open invoices. Only invoices already known count:
the statement that changes the balances adds each change (after - before) to them, and an
invoice landing after some of its movements brings their balance with it (see
INSERT_MOVEMENTS and ROLL_UP).

A batch is folded in Python first, then each table is written once (`unnest` arrays).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.runtime import unnest_columns

from ..domain.movements import movement_of

DDL = """
    CREATE TABLE IF NOT EXISTS invoice (
        invoice_id text PRIMARY KEY, invoice_number text NOT NULL,
        customer_id text NOT NULL, currency text NOT NULL, issue_date date NOT NULL,
        due_date date NOT NULL, issued_at timestamptz NOT NULL, gross numeric NOT NULL);
    CREATE TABLE IF NOT EXISTS customer (
        customer_id text PRIMARY KEY, name text NOT NULL, language text NOT NULL,
        email text, known_at timestamptz NOT NULL, known_from text NOT NULL);
    ALTER TABLE customer ADD COLUMN IF NOT EXISTS country text;
    CREATE TABLE IF NOT EXISTS invoice_movement (
        event_id uuid PRIMARY KEY, invoice_id text NOT NULL, currency text NOT NULL,
        occurred_at timestamptz NOT NULL, delta numeric NOT NULL, kind text NOT NULL);
    -- Known-at (what we believed at a recorded time): the event's recorded_at. Rows of a
    -- schema older than the column have none and count as known since always.
    ALTER TABLE invoice_movement ADD COLUMN IF NOT EXISTS recorded_at timestamptz;
"""

# The indexes the queries read by. A rebuild builds them once at the end (`complete`): one
# sort of a million rows costs a fraction of a million insertions into them.
INDEXES = """
    CREATE INDEX IF NOT EXISTS invoice_customer ON invoice (customer_id, currency);
    CREATE INDEX IF NOT EXISTS movement_invoice ON invoice_movement (invoice_id, occurred_at);
    CREATE INDEX IF NOT EXISTS movement_at ON invoice_movement (occurred_at);
    CREATE INDEX IF NOT EXISTS invoice_balance_last_moved ON invoice_balance (last_moved_at);
"""

BALANCE_DDL = """
    CREATE TABLE invoice_balance (
        invoice_id text PRIMARY KEY, open_amount numeric NOT NULL,
        last_moved_at timestamptz NOT NULL);
    INSERT INTO invoice_balance
        SELECT invoice_id, sum(delta), max(occurred_at) FROM invoice_movement GROUP BY 1;
"""

# open_customers counts the customers with open invoices, per currency and, under
# ANY_CURRENCY (''), in any: the report counts customers without reading them all.
ROLLUP_DDL = """
    DROP TABLE IF EXISTS ageing_due, customer_open;  -- as an earlier version left them
    CREATE TABLE ageing_due (
        currency text NOT NULL, due_date date NOT NULL, open_amount numeric NOT NULL,
        open_items bigint NOT NULL, PRIMARY KEY (currency, due_date))
        WITH (fillfactor = 50);  -- every batch updates its rows: room to update in place
    CREATE TABLE customer_open (
        customer_id text COLLATE "C" NOT NULL, currency text NOT NULL,
        open_amount numeric NOT NULL, open_positive numeric NOT NULL, open_items bigint NOT NULL,
        PRIMARY KEY (customer_id, currency));
    CREATE INDEX customer_open_owing ON customer_open (currency, open_positive DESC, customer_id)
        WHERE open_positive > 0;
    CREATE TABLE open_customers (currency text PRIMARY KEY, customers bigint NOT NULL);
    INSERT INTO ageing_due
        SELECT i.currency, i.due_date, sum(b.open_amount), count(*) FILTER (WHERE b.open_amount <> 0)
        FROM invoice i JOIN invoice_balance b USING (invoice_id) GROUP BY 1, 2;
    INSERT INTO customer_open
        SELECT i.customer_id, i.currency, sum(b.open_amount), sum(greatest(b.open_amount, 0)),
               count(*) FILTER (WHERE b.open_amount <> 0)
        FROM invoice i JOIN invoice_balance b USING (invoice_id) GROUP BY 1, 2;
    INSERT INTO open_customers
        SELECT currency, count(*) FILTER (WHERE open_items > 0) FROM customer_open GROUP BY 1
        UNION ALL
        SELECT '', count(DISTINCT customer_id) FILTER (WHERE open_items > 0) FROM customer_open;
"""
ANY_CURRENCY = ""

# In the schema being installed only (the search path goes on to public).
TABLE_EXISTS = """
    SELECT EXISTS (SELECT 1 FROM pg_tables
                   WHERE schemaname = current_schema() AND tablename = $1)
"""

# Adds the balance changes of the `changed` rows (customer, currency, due date, open amount
# before and after) to the roll-ups. A customer's count of open invoices going from 0 to
# more (or back), in a currency or in all (read before this statement: its CTEs see the
# table as it was), moves open_customers. Rows shared by every customer (a currency's due
# dates, its count) are written by this one statement per batch, each table in key order
# (open_customers by the main query, then ageing_due and customer_open, the unreferenced
# CTEs, at its end), so appliers sharing the partitions wait for each other there but never
# deadlock. A row is written even when its change nets to zero in the batch: every key of a
# known invoice then has its row (settled ones at zero), whatever the batching, so a replay
# equals the live tables row for row.
ROLL_UP = """,
by_due AS (
    INSERT INTO ageing_due AS a (currency, due_date, open_amount, open_items)
    SELECT currency, due_date, sum(after - before),
           sum((after <> 0)::int - (before <> 0)::int)
    FROM changed GROUP BY currency, due_date ORDER BY currency, due_date
    ON CONFLICT (currency, due_date) DO UPDATE SET
        open_amount = a.open_amount + EXCLUDED.open_amount,
        open_items = a.open_items + EXCLUDED.open_items),
by_customer AS (
    SELECT customer_id COLLATE "C" AS customer_id, currency, sum(after - before) AS open_amount,
           sum(greatest(after, 0) - greatest(before, 0)) AS open_positive,
           sum((after <> 0)::int - (before <> 0)::int) AS open_items
    FROM changed GROUP BY 1, 2),
rolled AS (
    INSERT INTO customer_open AS c (customer_id, currency, open_amount, open_positive, open_items)
    SELECT * FROM by_customer ORDER BY customer_id, currency
    ON CONFLICT (customer_id, currency) DO UPDATE SET
        open_amount = c.open_amount + EXCLUDED.open_amount,
        open_positive = c.open_positive + EXCLUDED.open_positive,
        open_items = c.open_items + EXCLUDED.open_items),
recounted AS (
    SELECT b.currency, coalesce(c.open_items, 0) AS before, b.open_items AS delta
    FROM by_customer b LEFT JOIN customer_open c USING (customer_id, currency)
    UNION ALL
    SELECT '', (SELECT coalesce(sum(c.open_items), 0) FROM customer_open c
                WHERE c.customer_id = m.customer_id), m.delta
    FROM (SELECT customer_id, sum(open_items) AS delta FROM by_customer GROUP BY 1) AS m)
INSERT INTO open_customers AS o (currency, customers)
SELECT currency, sum((before + delta > 0)::int - (before > 0)::int) FROM recounted
GROUP BY currency ORDER BY currency
ON CONFLICT (currency) DO UPDATE SET customers = o.customers + EXCLUDED.customers
"""

INSERT_INVOICES = """
    INSERT INTO invoice (invoice_id, invoice_number, customer_id, currency, issue_date,
                         due_date, issued_at, gross)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[],
                         $6::date[], $7::timestamptz[], $8::numeric[])
    ON CONFLICT (invoice_id) DO NOTHING"""
INSERT_INVOICES_LANDED = INSERT_INVOICES + " RETURNING invoice_id"  # the ones not known before

# The customer's name, language and country as of their latest invoice (business time, then invoice
# id to break ties), whatever order invoices arrive in.
UPSERT_CUSTOMERS = """
    INSERT INTO customer (customer_id, name, language, email, known_at, known_from, country)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::text[], $7::text[])
    ON CONFLICT (customer_id) DO UPDATE SET
        name = EXCLUDED.name, language = EXCLUDED.language, email = EXCLUDED.email,
        known_at = EXCLUDED.known_at, known_from = EXCLUDED.known_from,
        country = EXCLUDED.country
    WHERE (customer.known_at, customer.known_from) <= (EXCLUDED.known_at, EXCLUDED.known_from)
"""

# A rebuild appends a batch's movements as they are: the runtime hands a rebuild each event
# once, and the balances are derived once at the end.
APPEND_MOVEMENTS = """
    INSERT INTO invoice_movement (event_id, invoice_id, currency, occurred_at, delta, kind,
                                  recorded_at)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[],
                         $5::numeric[], $6::text[], $7::timestamptz[])"""

# Live, the movements of a batch, each once (a duplicate event id inserts nothing). Movements
# of invoices not known yet change only their balance. An invoice that landed in this batch
# ($7: not a duplicate) was not counted before: it enters the roll-ups with its whole
# balance, so with the movements that arrived before it (its own issue movement is in the
# same batch, so it is always among the moved). ($8: landed invoices.)
INSERT_MOVEMENTS = "WITH inserted AS (" + APPEND_MOVEMENTS + """
    ON CONFLICT (event_id) DO NOTHING
    RETURNING invoice_id, occurred_at, delta),
moved AS (
    SELECT invoice_id, sum(delta) AS delta, max(occurred_at) AS moved_at
    FROM inserted GROUP BY invoice_id),
balanced AS (
    INSERT INTO invoice_balance (invoice_id, open_amount, last_moved_at)
    SELECT invoice_id, delta, moved_at FROM moved
    ON CONFLICT (invoice_id) DO UPDATE SET
        open_amount = invoice_balance.open_amount + EXCLUDED.open_amount,
        last_moved_at = greatest(invoice_balance.last_moved_at, EXCLUDED.last_moved_at)
    RETURNING invoice_id, open_amount),
changed AS (
    SELECT i.customer_id, i.currency, i.due_date,
           CASE WHEN i.invoice_id = ANY($8::text[]) THEN 0 ELSE b.open_amount - m.delta END
               AS before,
           b.open_amount AS after
    FROM balanced b JOIN moved m USING (invoice_id) JOIN invoice i USING (invoice_id))""" + ROLL_UP



@dataclass(frozen=True)
class CustomerSeen:
    customer_id: str
    name: str
    language: str
    email: str | None
    known_at: datetime
    known_from: str
    country: str

    @property
    def key(self) -> tuple[datetime, str]:
        return self.known_at, self.known_from


class Receivables:
    """`rebuilding=True` is the rebuild's variant (`for_rebuild`): a replay into an empty
    schema keeps only the invoices and movements per batch, appending the movements (the
    runtime hands a rebuild's projections each event once), without the indexes the queries
    read by. `complete` then derives the balances from the movements and the roll-ups from
    the balances, with the statements an upgrade uses (BALANCE_DDL, ROLLUP_DDL), and builds
    the indexes, instead of updating all that batch after batch."""

    name = "receivables"
    version = 2  # 2: the customer's country (whose law sets late-payment interest)

    def __init__(self, *, rebuilding: bool = False) -> None:
        self.rebuilding = rebuilding

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application, topics.collections]

    def for_rebuild(self) -> Receivables:
        return Receivables(rebuilding=True)

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)
        # New, or an older schema: filled from what it holds (the log, then the balances).
        if not await conn.fetchval(TABLE_EXISTS, "invoice_balance"):
            await conn.execute(BALANCE_DDL)
        if self.rebuilding:
            return
        await conn.execute(INDEXES)
        if not await conn.fetchval(TABLE_EXISTS, "open_customers"):
            await conn.execute(ROLLUP_DDL)

    async def complete(self, conn: asyncpg.Connection) -> None:
        """After a rebuild (resumed ones too): the balances and roll-ups derived afresh from
        the movements, and the indexes."""
        await conn.execute("DROP TABLE invoice_balance")
        await conn.execute(BALANCE_DDL)
        await conn.execute(INDEXES)
        await conn.execute("DROP TABLE IF EXISTS open_customers")
        await conn.execute(ROLLUP_DDL)

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
                    movement.occurred_at, movement.delta, movement.kind, envelope.recorded_at))
        landed: list[str] = []
        if invoices and self.rebuilding:  # the roll-ups come at the end: no need for `landed`
            await conn.execute(INSERT_INVOICES, *unnest_columns(invoices.values(), 8))
        elif invoices:
            rows = await conn.fetch(INSERT_INVOICES_LANDED, *unnest_columns(invoices.values(), 8))
            landed = [r["invoice_id"] for r in rows]
        if customers:
            rows = [(c.customer_id, c.name, c.language, c.email, c.known_at, c.known_from,
                     c.country) for c in customers.values()]
            await conn.execute(UPSERT_CUSTOMERS, *unnest_columns(rows, 7))
        if movements:
            if self.rebuilding:
                await conn.execute(APPEND_MOVEMENTS, *unnest_columns(movements.values(), 7))
            else:
                await conn.execute(INSERT_MOVEMENTS, *unnest_columns(movements.values(), 7), landed)


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
                        envelope.occurred_at, event.invoice_id, event.customer.country)
    known = customers.get(seen.customer_id)
    if known is None or known.key <= seen.key:
        customers[seen.customer_id] = seen


