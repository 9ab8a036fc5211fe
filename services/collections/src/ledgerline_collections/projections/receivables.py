"""Receivables projection: invoices and every dated movement of their open amounts.

Fed by invoicing, cash-application and our own topic. Each movement is stored once under its
event id with its business instant; open amounts as of any instant are sums over this log,
so the state converges whatever the interleaving of topics (an allocation seen before its
invoice simply waits in the log; queries join on the invoice and pick it up once it lands).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.invoicing import InvoiceIssued

from ..domain.movements import movement_of


class Receivables:
    name = "receivables"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application, topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute("""
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
        """)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            if isinstance(envelope.payload, InvoiceIssued):
                await _record_invoice(conn, envelope, envelope.payload)
            movement = movement_of(envelope)
            if movement is not None:
                await conn.execute(
                    "INSERT INTO invoice_movement (event_id, invoice_id, currency, occurred_at,"
                    " delta, kind) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    envelope.event_id, movement.invoice_id, movement.currency,
                    movement.occurred_at, movement.delta, movement.kind,
                )


async def _record_invoice(conn: asyncpg.Connection, envelope: Envelope, event: InvoiceIssued) -> None:
    await conn.execute(
        "INSERT INTO invoice (invoice_id, invoice_number, customer_id, currency, issue_date,"
        " due_date, issued_at, gross) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (invoice_id) DO NOTHING",
        event.invoice_id, event.invoice_number, event.customer.customer_id, event.currency,
        event.issue_date, event.due_date, envelope.occurred_at, event.gross_total.amount,
    )
    # The customer's name and language as of their latest invoice (business time, then
    # invoice id to break ties), whatever order invoices arrive in.
    await conn.execute(
        "INSERT INTO customer (customer_id, name, language, email, known_at, known_from)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id) DO UPDATE SET"
        " name = EXCLUDED.name, language = EXCLUDED.language, email = EXCLUDED.email,"
        " known_at = EXCLUDED.known_at, known_from = EXCLUDED.known_from"
        " WHERE (customer.known_at, customer.known_from)"
        " <= (EXCLUDED.known_at, EXCLUDED.known_from)",
        event.customer.customer_id, event.customer.name, event.customer.language.value,
        event.customer.email, envelope.occurred_at, event.invoice_id,
    )
