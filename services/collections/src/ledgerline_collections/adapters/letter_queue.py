"""The letter post's queue, in our write schema: one row per letter to deliver, written in the
transaction that records its ReminderSent. A row is claimed (state `sending`, a lease) and
committed before its mail goes out, so a sender that stops mid-send leaves a row that says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from ledgerline_events.runtime import ident
from ledgerline_events.runtime.migrations import Migration

LEASE = timedelta(minutes=2)  # a claim older than this: its sender stopped


@dataclass(frozen=True)
class Delivery:
    reminder_id: str
    customer_id: str
    currency: str
    attempts: int


class LetterQueue:
    def __init__(self, conn: asyncpg.Connection, write_schema: str) -> None:
        self.conn = conn
        self._t = f"{ident(write_schema)}.letter_delivery"

    async def enqueue(self, reminder_id: str, customer_id: str, currency: str,
                      at: datetime) -> None:
        await self.conn.execute(
            f"INSERT INTO {self._t} (reminder_id, customer_id, currency, next_attempt_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", reminder_id, customer_id,
            currency, at)

    async def claim(self, now: datetime, limit: int) -> list[Delivery]:
        rows = await self.conn.fetch(
            f"UPDATE {self._t} SET state = 'sending', attempts = attempts + 1, "
            "claimed_until = $1 + $3::interval WHERE reminder_id IN ("
            f"  SELECT reminder_id FROM {self._t} WHERE state = 'pending' "
            "   AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 "
            "   FOR UPDATE SKIP LOCKED) RETURNING reminder_id, customer_id, currency, attempts",
            now, limit, LEASE)
        return [Delivery(**dict(r)) for r in rows]

    async def stalled(self, now: datetime) -> list[Delivery]:
        """Claimed, and the claim ran out: the mail may or may not have gone."""
        rows = await self.conn.fetch(
            f"UPDATE {self._t} SET state = 'in_doubt' WHERE reminder_id IN ("
            f"  SELECT reminder_id FROM {self._t} WHERE state = 'sending' AND claimed_until < $1"
            "   FOR UPDATE SKIP LOCKED) RETURNING reminder_id, customer_id, currency, attempts",
            now)
        return [Delivery(**dict(r)) for r in rows]

    async def settle(self, reminder_id: str, state: str, retry_at: datetime | None = None) -> None:
        await self.conn.execute(
            f"UPDATE {self._t} SET state = $2, next_attempt_at = coalesce($3, next_attempt_at), "
            "claimed_until = NULL WHERE reminder_id = $1", reminder_id, state, retry_at)


async def _install(conn: asyncpg.Connection, schema: str) -> None:
    t = f"{ident(schema)}.letter_delivery"
    await conn.execute(f"""
        CREATE TABLE {t} (
            reminder_id text PRIMARY KEY, customer_id text NOT NULL, currency text NOT NULL,
            state text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL, claimed_until timestamptz);
        CREATE INDEX letter_delivery_due ON {t} (next_attempt_at) WHERE state = 'pending'""")


LETTER_QUEUE_MIGRATION = Migration("collections", 3, "letter post queue", _install)
