"""What proves each invoice's goods arrived, kept with the invoice (from InvoiceIssued, which
carries the sales delivery it bills): shown in the dispute views and in the agency's file, the
fact that answers "we never got the goods"."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.invoicing import InvoiceIssued


class DeliveryProofs:
    name = "delivery_proofs"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute("""
            CREATE TABLE IF NOT EXISTS invoice_delivery (
                invoice_id text PRIMARY KEY, delivered_on date, proof_of_delivery jsonb)""")

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        rows = [(e.payload.invoice_id, e.payload.delivered_on,
                 e.payload.proof_of_delivery.model_dump_json()
                 if e.payload.proof_of_delivery else None)
                for e in events if isinstance(e.payload, InvoiceIssued)
                and (e.payload.delivered_on or e.payload.proof_of_delivery)]
        if rows:
            await conn.executemany(
                "INSERT INTO invoice_delivery VALUES ($1, $2, $3::text::jsonb) "
                "ON CONFLICT DO NOTHING", rows)
