"""Each customer's history, for whoever asks who did what: every fact on the topics we read
(invoices, payments and their allocations, clearing, letters, calls, disputes, promises,
write-offs), when it happened, what it names, and who acted (the envelope's actor)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ledgerline_events.contract import Envelope, Topics

SCHEMA = """
CREATE TABLE IF NOT EXISTS customer_history (
    event_id uuid PRIMARY KEY, customer_id text NOT NULL, occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL, event_type text NOT NULL, reference text NOT NULL,
    actor text NOT NULL, actor_kind text NOT NULL, actor_roles text[] NOT NULL);
CREATE INDEX IF NOT EXISTS customer_history_by_customer
    ON customer_history (customer_id, occurred_at);
"""
# What a history line names, the first a fact carries.
REFERENCES = ("invoice_number", "credit_note_number", "payment_id", "dispute_id", "promise_id",
              "write_off_id", "reminder_id", "call_id", "handover_id", "copy_id", "invoice_id")


def reference_of(envelope: Envelope) -> str:
    for name in REFERENCES:
        value = getattr(envelope.payload, name, None)
        if isinstance(value, str) and value:
            return value
    return envelope.aggregate_id


class CustomerHistory:
    name = "customer_history"
    version = 1

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application, topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(SCHEMA)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        await conn.executemany(
            "INSERT INTO customer_history VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT DO NOTHING",
            [(e.event_id, e.customer_id, e.occurred_at, e.recorded_at, e.event_type,
              reference_of(e), e.actor.subject, e.actor.kind.value, list(e.actor.roles))
             for e in events if e.customer_id])
