"""The service's own event store: the source of truth for its aggregates.

Append with an expected version (unique aggregate id + version = optimistic concurrency),
idempotency keys for commands, and an outbox filled in the same transaction so the relay
publishes exactly what was committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import orjson
import structlog

from ledgerline_events.contract import Envelope, Event, decode, encode
from ledgerline_events.contract.base import Actor
from ledgerline_events.contract.values import value_policy

from .idempotency import claim_keys
from .migrations import Migration, migrate
from .postgres import ident

log = structlog.get_logger("ledgerline.event_store")


class ConcurrencyConflict(Exception):
    """Another command appended to the same aggregate first; reload and decide again."""


class IdempotencyKeyReused(Exception):
    """The idempotency key was already used for a different request."""


class EventStore:
    def __init__(self, pool: asyncpg.Pool, schema: str, producer: str) -> None:
        self.pool = pool
        self.schema = schema
        self.producer = producer
        self._s = ident(schema)
        # Set by the runtime to its relay's `wake`: true if that relay is the active one.
        self.wake_local_relay: Callable[[], bool] = lambda: False

    @property
    def notify_channel(self) -> str:
        return f"{self.schema}_outbox"

    async def install(self, migrations: Sequence[Migration] = ()) -> None:
        """The event store's tables and the service's own `migrations` (runtime/migrations)."""
        await migrate(self.pool, self.schema, [*EVENT_STORE_MIGRATIONS, *migrations])

    @asynccontextmanager
    async def unit_of_work(
        self,
        idempotency_key: str | None = None,
        *,
        fingerprint: str = "",
        conn: asyncpg.Connection | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        actor: Actor | None = None,
    ) -> AsyncIterator[UnitOfWork]:
        """One command, one transaction. Pass `conn` to join a transaction already open (a
        consumer issuing commands with its offsets); it then runs in a savepoint. Its events
        name `actor` (default: this service, acting on its own)."""
        trace = (correlation_id, causation_id, actor)
        if conn is not None:
            async with conn.transaction():
                uow = await self._begin(conn, idempotency_key, fingerprint, *trace)
                uow.notify_in_transaction = True  # the caller commits: wake the relay then
                yield uow
                await uow._finish()
            return
        async with self.pool.acquire() as own:
            async with own.transaction():
                uow = await self._begin(own, idempotency_key, fingerprint, *trace)
                yield uow
                await uow._finish()
            if uow.appended:
                await self._wake_relay(own)

    async def _wake_relay(self, conn: asyncpg.Connection) -> None:
        """NOTIFY after the commit, not in it: PostgreSQL serialises the commits of notifying
        transactions on one lock held through their WAL flush, which capped commands at one
        fsync each. A lost wake-up only delays publishing until the relay's next poll.
        When this process's relay is the one publishing, it is woken without the database."""
        if self.wake_local_relay():
            return
        try:
            await conn.execute("SELECT pg_notify($1, '')", self.notify_channel)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("event_store.notify_failed", error=repr(exc), schema=self.schema)

    async def _begin(
        self, conn: asyncpg.Connection, key: str | None, fingerprint: str,
        correlation_id: str | None, causation_id: str | None, actor: Actor | None,
    ) -> UnitOfWork:
        uow = UnitOfWork(self, conn, key, correlation_id, causation_id,
                         actor or Actor.component(self.producer))
        if key is not None:
            await uow._claim(fingerprint)
        return uow

    async def load(self, aggregate_id: str) -> list[Envelope]:
        async with self.pool.acquire() as conn:
            return await _load(conn, self._s, aggregate_id)

    async def load_streams(
        self, conn: asyncpg.Connection, aggregate_ids: Sequence[str]
    ) -> dict[str, list[Envelope]]:
        """Several aggregates' events in one query, on the caller's connection (inside its
        transaction); an aggregate without events is absent."""
        rows = await conn.fetch(
            f"SELECT aggregate_id, body FROM {self._s}.event WHERE aggregate_id = ANY($1::text[]) "
            "ORDER BY aggregate_id, aggregate_version", list(aggregate_ids),
        )
        streams: dict[str, list[Envelope]] = {}
        for r in rows:
            streams.setdefault(r["aggregate_id"], []).append(decode(r["body"]))
        return streams

    async def read_all(self, after_position: int = 0, limit: int = 10_000) -> list[Envelope]:
        """Every stored event in commit-position order (audits, tests)."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT body FROM {self._s}.event WHERE position > $1 ORDER BY position LIMIT $2",
                after_position, limit,
            )
        return [decode(r["body"]) for r in rows]


async def _load(conn: asyncpg.Connection, s: str, aggregate_id: str) -> list[Envelope]:
    rows = await conn.fetch(
        f"SELECT body FROM {s}.event WHERE aggregate_id = $1 ORDER BY aggregate_version",
        aggregate_id,
    )
    return [decode(r["body"]) for r in rows]


@dataclass(frozen=True)
class StreamAppend:
    """Events for one aggregate after its `expected_version` (0: a new one), each at its
    business instant."""

    aggregate_id: str
    events: Sequence[Event]
    customer_id: str | None
    occurred_at: Sequence[datetime]
    expected_version: int = 0


class UnitOfWork:
    """What a command handler sees: its connection, history loading, append, and its result."""

    def __init__(
        self, store: EventStore, conn: asyncpg.Connection, key: str | None,
        correlation_id: str | None, causation_id: str | None, actor: Actor,
    ) -> None:
        self.store = store
        self.actor = actor
        self.conn = conn
        self.previous_result: dict[str, Any] | None = None
        self.appended: list[Envelope] = []
        # Joined transactions notify inside them; our own notify after committing.
        self.notify_in_transaction = False
        self._key = key
        self._result = b"{}"
        self._correlation_id = correlation_id
        self._causation_id = causation_id

    async def _claim(self, fingerprint: str) -> None:
        # A concurrent twin blocks on the primary key until the first commits, then sees it.
        assert self._key is not None
        claims = await claim_keys(self.store, self.conn, {self._key: fingerprint})
        if claims.reused:
            raise IdempotencyKeyReused(f"idempotency key {self._key!r} was used for another request")
        self.previous_result = claims.answered.get(self._key)

    async def load(self, aggregate_id: str) -> list[Envelope]:
        return await _load(self.conn, self.store._s, aggregate_id)

    async def append(
        self,
        aggregate_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        customer_id: str | None,
        occurred_at: datetime | Sequence[datetime],
    ) -> list[Envelope]:
        """Append after `expected_version`; raises ConcurrencyConflict if someone else did.
        `occurred_at` is the business instant of all the events, or one per event."""
        instants = ([occurred_at] * len(events) if isinstance(occurred_at, datetime)
                    else list(occurred_at))
        return await self.append_streams(
            [StreamAppend(aggregate_id, events, customer_id, instants, expected_version)])

    async def append_streams(self, streams: Sequence[StreamAppend], chunk: int = 5_000
                             ) -> list[Envelope]:
        """`append` for many aggregates at once (a statement file's payments, a dunning run's
        letters), written `chunk` envelopes per statement; ConcurrencyConflict if any of them
        moved."""
        recorded_at = datetime.now(UTC)
        envelopes = [
            self._wrap(e, stream.aggregate_id, stream.expected_version + i + 1,
                       stream.customer_id, at, recorded_at)
            for stream in streams
            for i, (e, at) in enumerate(zip(stream.events, stream.occurred_at, strict=True))
        ]
        for start in range(0, len(envelopes), chunk):  # nothing to write: no statement
            await self.write(envelopes[start:start + chunk])
        return envelopes

    async def write(self, envelopes: Sequence[Envelope]) -> None:
        """Store ready-made envelopes (versions already set) and queue them for publishing.
        Raises ValueRefused for an event outside the value policy: what consumers would
        dead-letter is never written."""
        bodies = [_checked_body(envelope) for envelope in envelopes]
        s = self.store._s
        try:
            await self.conn.execute(
                f"""
                WITH ins AS (
                    INSERT INTO {s}.event (event_id, aggregate_id, aggregate_version, event_type,
                        customer_id, occurred_at, recorded_at, body)
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[],
                        $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])
                    RETURNING position),
                queued AS (INSERT INTO {s}.outbox (position) SELECT position FROM ins)
                SELECT pg_notify($9, '') WHERE $10
                """,
                [e.event_id for e in envelopes], [e.aggregate_id for e in envelopes],
                [e.aggregate_version for e in envelopes], [e.event_type for e in envelopes],
                [e.customer_id for e in envelopes], [e.occurred_at for e in envelopes],
                [e.recorded_at for e in envelopes], bodies,
                self.store.notify_channel, self.notify_in_transaction,
            )
        except asyncpg.UniqueViolationError as exc:
            ids = sorted({e.aggregate_id for e in envelopes})
            raise ConcurrencyConflict(f"aggregate {', '.join(ids)} changed concurrently") from exc
        self.appended.extend(envelopes)

    def _wrap(
        self, payload: Event, aggregate_id: str, version: int, customer_id: str | None,
        occurred_at: datetime, recorded_at: datetime,
    ) -> Envelope:
        event_id = uuid4()
        return Envelope(
            event_id=event_id, event_type=payload.event_type,
            schema_version=payload.schema_version, customer_id=customer_id,
            aggregate_id=aggregate_id, aggregate_version=version, occurred_at=occurred_at,
            recorded_at=recorded_at, correlation_id=self._correlation_id or str(event_id),
            causation_id=self._causation_id, producer=self.store.producer, actor=self.actor,
            payload=payload,
        )

    def set_result(self, result: dict[str, Any]) -> dict[str, Any]:
        """The answer a repeated idempotency key gets (JSON-serialisable)."""
        # Kept as its JSON (what a repeat will see): a dunning run's answer is 100,000 letters.
        self._result = orjson.dumps(result, default=str)
        return result

    async def _finish(self) -> None:
        if self._key is not None and self.previous_result is None:
            await self.conn.execute(
                f"UPDATE {self.store._s}.idempotency_key SET result = $2::text::jsonb WHERE key = $1",
                self._key, self._result.decode(),
            )


def _checked_body(envelope: Envelope) -> str:
    """The envelope's wire form, refused (ValueRefused) outside the value policy. Checked as
    consumers will read it (`check_message`: text on the bytes, a walk compiled per event
    type for numbers and dates), which costs a fraction of walking every field."""
    policy = value_policy()
    try:
        body = encode(envelope)
    except orjson.JSONEncodeError:
        policy.check_envelope(envelope)  # names the field with an unpaired surrogate
        raise
    policy.check_message(body, envelope)
    return body.decode()


async def _events_outbox_and_keys(conn: asyncpg.Connection, schema: str) -> None:
    s = ident(schema)
    await conn.execute(f"""
        CREATE TABLE IF NOT EXISTS {s}.event (
            position bigserial PRIMARY KEY,
            event_id uuid NOT NULL UNIQUE,
            aggregate_id text NOT NULL,
            aggregate_version int NOT NULL,
            event_type text NOT NULL,
            customer_id text,
            occurred_at timestamptz NOT NULL,
            recorded_at timestamptz NOT NULL,
            body text NOT NULL,
            UNIQUE (aggregate_id, aggregate_version)
        );
        CREATE TABLE IF NOT EXISTS {s}.outbox (position bigint PRIMARY KEY);
        -- A queue: rows live for milliseconds. Vacuum and analyse it by row count, so the
        -- relay's scan skips few dead entries and its statistics stay near empty.
        ALTER TABLE {s}.outbox SET (
            autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,
            autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0);
        CREATE TABLE IF NOT EXISTS {s}.idempotency_key (
            key text PRIMARY KEY,
            fingerprint text NOT NULL,
            result jsonb,
            created_at timestamptz NOT NULL DEFAULT now()
        );
    """)


EVENT_STORE_MIGRATIONS = (
    Migration("event_store", 1, "events, outbox, idempotency keys", _events_outbox_and_keys),
)
