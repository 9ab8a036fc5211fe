"""The letter post's queue, in our write schema: one row per letter to deliver (a dunning
letter, a promise's confirmation), written in the transaction that records its source event
(ReminderSent, PromiseToPayRecorded; `source` is the stream holding it). A row is claimed
(state `sending`, a lease) and committed just before its mail goes out, one at a time, so a
sender that stops mid-send leaves one row that says so, and the rest wait for the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from ledgerline_events.contract.deliveries import DocumentKind
from ledgerline_events.runtime import ident
from ledgerline_events.runtime.migrations import Migration


@dataclass(frozen=True)
class Delivery:
    document_id: str
    kind: DocumentKind
    customer_id: str
    source: str
    attempts: int


class LetterQueue:
    def __init__(self, conn: asyncpg.Connection, write_schema: str) -> None:
        self.conn = conn
        self._t = f"{ident(write_schema)}.letter_delivery"

    async def enqueue(self, document_id: str, kind: DocumentKind, customer_id: str, source: str,
                      at: datetime) -> None:
        await self.enqueue_all([(document_id, customer_id, source)], kind, at)

    async def enqueue_all(self, letters: list[tuple[str, str, str]], kind: DocumentKind,
                          at: datetime) -> None:
        """Many documents at once: (document id, customer, source) each."""
        await self.conn.execute(
            f"INSERT INTO {self._t} (document_id, kind, customer_id, source, next_attempt_at) "
            "SELECT d, $4, c, s, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS l(d, c, s) "
            "ON CONFLICT DO NOTHING", [d for d, _, _ in letters], [c for _, c, _ in letters],
            [s for _, _, s in letters], kind.value, at)

    async def claim(self, now: datetime, lease: timedelta) -> Delivery | None:
        """The next letter due, now being sent (another sender skips it)."""
        row = await self.conn.fetchrow(
            f"UPDATE {self._t} SET state = 'sending', attempts = attempts + 1, "
            "claimed_until = $1 + $2::interval WHERE document_id = ("
            f"  SELECT document_id FROM {self._t} WHERE state = 'pending' "
            "   AND next_attempt_at <= $1 ORDER BY next_attempt_at, document_id LIMIT 1 "
            "   FOR UPDATE SKIP LOCKED) RETURNING document_id, kind, customer_id, source, attempts",
            now, lease)
        return None if row is None else _delivery(row)

    async def stalled(self, now: datetime) -> list[Delivery]:
        """Claimed, and the claim ran out: the mail may or may not have gone."""
        rows = await self.conn.fetch(
            f"UPDATE {self._t} SET state = 'in_doubt' WHERE document_id IN ("
            f"  SELECT document_id FROM {self._t} WHERE state = 'sending' AND claimed_until < $1"
            "   FOR UPDATE SKIP LOCKED) RETURNING document_id, kind, customer_id, source, attempts",
            now)
        return [_delivery(r) for r in rows]

    async def settle(self, document_id: str, state: str, retry_at: datetime | None = None) -> None:
        await self.conn.execute(
            f"UPDATE {self._t} SET state = $2, next_attempt_at = coalesce($3, next_attempt_at), "
            "claimed_until = NULL WHERE document_id = $1", document_id, state, retry_at)


def _delivery(row: asyncpg.Record) -> Delivery:
    return Delivery(row["document_id"], DocumentKind(row["kind"]), row["customer_id"],
                    row["source"], row["attempts"])


async def _install(conn: asyncpg.Connection, schema: str) -> None:
    t = f"{ident(schema)}.letter_delivery"
    await conn.execute(f"""
        CREATE TABLE {t} (
            document_id text PRIMARY KEY, kind text NOT NULL, customer_id text NOT NULL,
            source text NOT NULL,
            state text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL, claimed_until timestamptz);
        CREATE INDEX letter_delivery_due ON {t} (next_attempt_at) WHERE state = 'pending'""")


LETTER_QUEUE_MIGRATION = Migration("collections", 3, "letter post queue", _install)
