"""Tables of the cash ledger read model and the additive updates that keep it convergent."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Money

DDL = """
CREATE TABLE IF NOT EXISTS open_item (
    invoice_id text PRIMARY KEY,
    customer_id text,
    currency text NOT NULL,
    invoice_number text,
    number_key text,
    issue_date date,
    due_date date,
    discount_percent numeric,
    discount_until date,
    issued numeric NOT NULL DEFAULT 0,
    credited numeric NOT NULL DEFAULT 0,
    cancelled numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    written_off numeric NOT NULL DEFAULT 0,
    recovered numeric NOT NULL DEFAULT 0,
    open_amount numeric GENERATED ALWAYS AS
        (issued - credited - cancelled - allocated - written_off + recovered) STORED
);
CREATE INDEX IF NOT EXISTS open_item_customer ON open_item (customer_id);
CREATE INDEX IF NOT EXISTS open_item_number ON open_item (number_key);
CREATE TABLE IF NOT EXISTS payment (
    payment_id text PRIMARY KEY,
    customer_id text,
    currency text NOT NULL,
    amount numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    refunded numeric NOT NULL DEFAULT 0,
    reversed_amount numeric NOT NULL DEFAULT 0,
    unapplied numeric GENERATED ALWAYS AS
        (amount - allocated - refunded - reversed_amount) STORED,
    received_on date,
    received_at timestamptz,
    method text,
    payer_name text,
    payer_account text,
    remittance text,
    statement_ref text,
    entry_ref text
);
CREATE INDEX IF NOT EXISTS payment_customer ON payment (customer_id);
CREATE TABLE IF NOT EXISTS allocation (
    allocation_id text PRIMARY KEY,
    payment_id text NOT NULL,
    invoice_id text NOT NULL,
    customer_id text,
    currency text NOT NULL,
    amount numeric NOT NULL,
    discount numeric NOT NULL DEFAULT 0,
    match_reason text,
    explanation text,
    allocated_on date,
    reversed_on date,
    reversal_reason text
);
CREATE INDEX IF NOT EXISTS allocation_payment ON allocation (payment_id);
"""

INVOICE_FIGURES = {"issued", "credited", "cancelled", "allocated", "written_off", "recovered"}
PAYMENT_FIGURES = {"amount", "allocated", "refunded", "reversed_amount"}


async def bump_invoice(
    conn: asyncpg.Connection, invoice_id: str, customer_id: str | None, amount: Money,
    figure: str, *, extra: Decimal | int = 0,
) -> None:
    """Add `amount` (+ `extra`) to one figure of the invoice, creating the row if early."""
    assert figure in INVOICE_FIGURES
    await conn.execute(
        f"INSERT INTO open_item (invoice_id, customer_id, currency, {figure}) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (invoice_id) DO UPDATE SET "
        f"{figure} = open_item.{figure} + EXCLUDED.{figure}, "
        "customer_id = coalesce(open_item.customer_id, EXCLUDED.customer_id)",
        invoice_id, customer_id, amount.currency, amount.amount + extra,
    )


async def bump_payment(
    conn: asyncpg.Connection, payment_id: str, customer_id: str | None, amount: Money,
    figure: str,
) -> None:
    """Add `amount` to one figure of the payment; the first known customer id sticks."""
    assert figure in PAYMENT_FIGURES
    await conn.execute(
        f"INSERT INTO payment (payment_id, customer_id, currency, {figure}) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (payment_id) DO UPDATE SET "
        f"{figure} = payment.{figure} + EXCLUDED.{figure}, "
        "customer_id = coalesce(payment.customer_id, EXCLUDED.customer_id)",
        payment_id, customer_id, amount.currency, amount.amount,
    )
