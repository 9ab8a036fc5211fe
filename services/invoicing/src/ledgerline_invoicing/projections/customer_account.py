"""Customer account movements, per currency, from which statements are printed: invoices,
credit notes and cancellations (ours), allocations and their reversals (cash application),
write-offs and recoveries (collections). Each movement is keyed by the fact it comes from, so
the table is the same whatever order the topics arrive in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.money import Money
from ledgerline_invoicing.domain.statement import Movement, MovementKind, movements_from

DDL = """
CREATE TABLE IF NOT EXISTS account_movement (
    kind text NOT NULL,
    source_id text NOT NULL,
    customer_id text NOT NULL,
    currency text NOT NULL,
    on_date date NOT NULL,
    invoice_id text NOT NULL,
    reference text NOT NULL,
    amount numeric NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (kind, source_id));
CREATE INDEX IF NOT EXISTS account_movement_by_customer
    ON account_movement (customer_id, currency, on_date);
"""


class CustomerAccount:
    name = "customer_account"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application, topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        rows = [
            (m.kind.value, m.source_id, envelope.customer_id, m.amount.currency, m.on,
             m.invoice_id, m.reference, m.amount.amount, envelope.occurred_at)
            for envelope in events
            if envelope.customer_id is not None  # unidentified cash is not on any account
            for m in movements_from(envelope.payload)
        ]
        if rows:
            await conn.executemany(
                "INSERT INTO account_movement (kind, source_id, customer_id, currency, on_date, "
                "invoice_id, reference, amount, occurred_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                rows,
            )


async def account_movements(
    conn: asyncpg.Connection, customer_id: str, until: date, currency: str | None = None
) -> list[Movement]:
    """The customer's movements up to `until` (all currencies unless one is named)."""
    rows = await conn.fetch(
        "SELECT kind, source_id, currency, on_date, invoice_id, reference, amount "
        "FROM account_movement WHERE customer_id = $1 AND on_date <= $2 "
        "AND ($3::text IS NULL OR currency = $3)",
        customer_id, until, currency,
    )
    return [
        Movement(r["on_date"], MovementKind(r["kind"]), r["invoice_id"], r["reference"],
                 r["source_id"], Money(amount=r["amount"], currency=r["currency"]))
        for r in rows
    ]
