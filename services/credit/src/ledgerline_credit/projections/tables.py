"""The credit read model's tables (unqualified: the runner sets search_path to the read
schema). Facts are stored under their own business keys so any arrival order converges;
`invoice.open_amount`, `customer_exposure` and `customer_standing` are settled from them."""

from __future__ import annotations

import asyncpg

DDL = """
CREATE TABLE IF NOT EXISTS invoice (
    invoice_id text PRIMARY KEY,
    customer_id text NOT NULL,
    currency text NOT NULL,
    gross numeric NOT NULL,
    due_date date NOT NULL,
    sales_order_id text,
    open_amount numeric NOT NULL,
    paid_on date
);
CREATE INDEX IF NOT EXISTS invoice_customer ON invoice (customer_id);

CREATE TABLE IF NOT EXISTS ar_movement (
    movement_key text PRIMARY KEY,
    kind text NOT NULL,
    ref text NOT NULL,
    invoice_id text NOT NULL,
    customer_id text,
    currency text NOT NULL,
    amount numeric NOT NULL,
    on_date date NOT NULL
);
CREATE INDEX IF NOT EXISTS ar_movement_invoice ON ar_movement (invoice_id);
CREATE INDEX IF NOT EXISTS ar_movement_customer ON ar_movement (customer_id);
-- When an invoice is settled, its allocations' reversals are looked up by ref: without this
-- index each batch scanned every movement, and a rebuild slowed to a crawl as they grew.
CREATE INDEX IF NOT EXISTS ar_movement_reversal ON ar_movement (ref)
    WHERE kind = 'allocation_reversal';

CREATE TABLE IF NOT EXISTS sales_order (
    order_id text PRIMARY KEY,
    customer_id text NOT NULL,
    currency text,
    amount numeric,
    closed boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS sales_order_customer ON sales_order (customer_id);

CREATE TABLE IF NOT EXISTS dispute (
    dispute_id text PRIMARY KEY,
    customer_id text NOT NULL,
    invoice_id text NOT NULL,
    currency text,
    amount numeric,
    resolved boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS dispute_customer ON dispute (customer_id);

CREATE TABLE IF NOT EXISTS broken_promise (
    promise_id text PRIMARY KEY,
    customer_id text NOT NULL
);

CREATE TABLE IF NOT EXISTS customer_exposure (
    customer_id text NOT NULL,
    currency text NOT NULL,
    open_ar numeric NOT NULL,
    open_orders numeric NOT NULL,
    disputed numeric NOT NULL,
    oldest_due_date date,
    PRIMARY KEY (customer_id, currency)
);

CREATE TABLE IF NOT EXISTS customer_standing (
    customer_id text PRIMARY KEY,
    risk_score int NOT NULL,
    paid_invoices int NOT NULL,
    paid_late int NOT NULL,
    total_days_late int NOT NULL,
    broken_promises int NOT NULL,
    disputes_opened int NOT NULL,
    net_written_off numeric NOT NULL
);

CREATE TABLE IF NOT EXISTS credit_limit (
    customer_id text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    version int NOT NULL,
    PRIMARY KEY (customer_id, currency)
);

CREATE TABLE IF NOT EXISTS credit_limit_history (
    event_id uuid PRIMARY KEY,
    customer_id text NOT NULL,
    version int NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    set_by text NOT NULL,
    reason text NOT NULL,
    set_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS credit_limit_history_customer
    ON credit_limit_history (customer_id, version);

CREATE TABLE IF NOT EXISTS credit_hold (
    customer_id text NOT NULL,
    hold_id text NOT NULL,
    reason text,
    detail text,
    placed_by text,
    placed_at timestamptz,
    released boolean NOT NULL DEFAULT false,
    released_by text,
    release_reason text,
    released_at timestamptz,
    PRIMARY KEY (customer_id, hold_id)
);

CREATE TABLE IF NOT EXISTS credit_decision (
    check_id text PRIMARY KEY,
    customer_id text NOT NULL,
    order_ref text NOT NULL,
    currency text NOT NULL,
    order_amount numeric NOT NULL,
    decision text NOT NULL,
    reasons jsonb NOT NULL,
    exposure numeric NOT NULL,
    credit_limit numeric,
    risk_score int,
    decided_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS credit_decision_customer ON credit_decision (customer_id, decided_at);

-- Business dates, for checks as of a date (rows from before these columns have none and
-- count as always there).
ALTER TABLE invoice ADD COLUMN IF NOT EXISTS issued_on date;
ALTER TABLE dispute ADD COLUMN IF NOT EXISTS opened_on date,
    ADD COLUMN IF NOT EXISTS resolved_on date;
ALTER TABLE broken_promise ADD COLUMN IF NOT EXISTS broken_on date;
"""


async def install(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)
