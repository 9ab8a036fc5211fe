"""What a projection is, and how a batch of consumed records reaches it exactly once.

`BatchApplier` is shared by the live consumer runner and by rebuilds: decode, dead-letter
what cannot be read, drop events already applied (by event id), apply the rest, and store
the consumed offsets, all in one PostgreSQL transaction.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple, Protocol
from uuid import UUID, uuid4

import asyncpg
import structlog

from ledgerline_events.contract import Envelope, Topics, UndecodableEvent, decode
from ledgerline_events.contract.refusals import Refusal
from ledgerline_events.contract.topics import SERVICES
from ledgerline_events.contract.values import ValuePolicy, ValueRefused, value_policy

from . import read_model_versions
from .event_store import ConcurrencyConflict
from .postgres import ident, set_search_path

log = structlog.get_logger("ledgerline.consumer")


# The database went away or restarts: wait and retry the same batch (nothing is skipped).
# InternalClientError ("cannot switch to state ...") is a connection left mid-operation by a
# server restart: no fault of the event, which the fault soak saw dead-lettered otherwise.
TRANSIENT_DB_ERRORS = (
    OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError, asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InternalClientError,
)


# An event the database refuses to store (a value out of range, a broken constraint) or a
# business rule refuses (a consumer-side command raising a Refusal) is the event's own fault:
# it is dead-lettered and the stream goes on. Any other failure (a bug, a missing table, a
# revoked grant) is not: see SystemicFailure.
POISON_ERRORS = (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError, Refusal)


class SystemicFailure(Exception):
    """A projection failed for a reason no single event explains. Dead-lettering would empty
    the stream into the dead-letter topic while offsets advance; instead nothing of the batch
    is committed and the consumer stops, reporting not ready, until the cause is fixed."""


_as_int = attrgetter("int")
REUSED_ID = "event id reused with other content: the event applied under this id stays"


def digest(value: bytes | None) -> bytes:
    """What a message said, in 16 bytes: a producer re-sending an event sends the same bytes
    (our relay sends what it stored)."""
    return hashlib.blake2b(value or b"", digest_size=16).digest()


class Projection(Protocol):
    """A read model: a function of the events of the topics it declares, nothing else. A
    class attribute `version` (default 1) is raised when its tables change shape: the host
    then rebuilds the read schema from the log (read_model_versions)."""

    name: str

    def topics(self, topics: Topics) -> list[str]: ...

    async def install(self, conn: asyncpg.Connection) -> None: ...

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None: ...


class RejectedEvent(Exception):
    """Raised by a projection or consumer-side command for one event it must not apply
    (a business rule refuses it): that event goes to the dead-letter topic, the rest apply."""

    def __init__(self, envelope: Envelope, reason: str) -> None:
        super().__init__(reason)
        self.envelope = envelope
        self.reason = reason


class Record(NamedTuple):
    """The part of a Kafka record the runtime needs (aiokafka's ConsumerRecord fits). A named
    tuple: a replay makes a million of them, and a frozen dataclass costs 2.7x more to make."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Decoding a batch makes tens of thousands of small objects that all live until the batch
    is applied, so the cyclic garbage collector ran again and again over all of them: 60 % of
    the decode time. Decoded events form no reference cycles (reference counting frees them),
    so the collector waits until the batch is applied and its objects are gone: resumed while
    they still lived (after the decode), its first pass walked them all (11 % of a rebuild
    worker's time in py-spy)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_message(value: bytes | None, policy: ValuePolicy | None) -> Envelope | str:
    """A message's envelope as every consumer reads it (decoded, upcast, within the value
    policy unless it is None), or why it cannot be read: the reason its dead letter gives.
    `ledgerline contract validate` checks a publisher's message with this very function."""
    try:
        if value is None:
            raise UndecodableEvent("empty message")
        envelope = decode(value)
        if policy is not None:
            policy.check_message(value, envelope)
        return envelope
    except UndecodableEvent as exc:
        return exc.reason
    except ValueRefused as exc:
        return f"{exc} ({exc.rule})"
    except Exception as exc:  # decoding is pure: whatever it raises, the data is bad
        return f"undecodable: {exc!r}"


class AppliedBefore(Exception):
    """A rebuild's batch holds an event id already in its processed table."""


@dataclass(frozen=True)
class DeadLetter:
    record: Record
    reason: str


DeadLetterSink = Callable[[Sequence[DeadLetter]], Awaitable[None]]


@dataclass
class BatchStats:
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    skipped_after_as_of: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)

    def merge(self, other: BatchStats) -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.dead_lettered += other.dead_lettered
        self.skipped_after_as_of += other.skipped_after_as_of
        for topic, n in other.by_topic.items():
            self.by_topic[topic] = self.by_topic.get(topic, 0) + n


async def install_read_schema(
    conn: asyncpg.Connection, schema: str, projections: Sequence[Projection]
) -> None:
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
    await set_search_path(conn, schema)
    await conn.execute("""
        CREATE TABLE IF NOT EXISTS consumer_offset (
            topic text NOT NULL, partition int NOT NULL, next_offset bigint NOT NULL,
            PRIMARY KEY (topic, partition));
        CREATE TABLE IF NOT EXISTS processed_event (event_id uuid PRIMARY KEY);
        -- What the message said (a hash of its bytes), so an id reused with other content is
        -- told from a redelivery. NULL: recorded without it (a command folding its own events).
        ALTER TABLE processed_event ADD COLUMN IF NOT EXISTS digest bytea;
        CREATE TABLE IF NOT EXISTS read_model_generation (
            id int PRIMARY KEY CHECK (id = 1), generation uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now());
    """)
    await conn.execute(
        "INSERT INTO read_model_generation (id, generation) VALUES (1, $1) ON CONFLICT DO NOTHING",
        uuid4(),
    )
    for projection in projections:
        await projection.install(conn)
    await read_model_versions.record(conn, schema, projections)


async def stored_offsets(conn: asyncpg.Connection, schema: str) -> dict[tuple[str, int], int]:
    rows = await conn.fetch(f"SELECT topic, partition, next_offset FROM {ident(schema)}.consumer_offset")
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


class SchemaSwapped(Exception):
    """A rebuilt schema was swapped in since the consumer sought its offsets: seek again."""


class BatchApplier:
    def __init__(
        self, pool: asyncpg.Pool, schema: str, projections: Sequence[Projection], topics: Topics,
        *, dead_letter: DeadLetterSink | None = None, as_of: datetime | None = None,
        rebuilding: bool = False, max_refused_in_row: int | None = None,
    ) -> None:
        self.pool = pool
        self.schema = schema
        self.dead_letter = dead_letter
        self.as_of = as_of
        self._routes = [(p, set(p.topics(topics))) for p in projections]
        # A rebuild is the only writer of its schema's partitions: it remembers the ids it
        # committed (as integers) instead of asking the table which ones are new (`_fresh`).
        self._committed: set[int] | None = set() if rebuilding else None
        # A rebuild re-reads what our own services wrote, and each checked the value policy
        # when it wrote it (UnitOfWork.write): only the other systems' topics are checked again.
        self._checked_at_write = (frozenset(topics.events(s) for s in SERVICES) if rebuilding
                                  else frozenset())
        # The read schema's generation the caller's positions belong to (None: not checked).
        self.generation: object = None
        # Events refused one after the other with none applied between: past the limit, the
        # fault is likelier ours (a bad deployment, a wrong setting) than every sender's.
        self.max_refused_in_row = max_refused_in_row
        self.refused_in_row = 0

    async def apply(self, records: Sequence[Record]) -> BatchStats:
        """Apply one batch exactly once; retries transient failures, never skips silently.
        An event the database refuses isolates itself: the batch is split down to that one
        event, which is dead-lettered with the reason so the stream keeps going. Any other
        failure raises SystemicFailure, having committed nothing of the batch.
        Raises SchemaSwapped, having applied nothing, if `generation` is no longer current."""
        try:
            return await self._apply_batch(records)
        except (SchemaSwapped, SystemicFailure):
            raise
        except POISON_ERRORS as exc:
            if len(records) > 1:
                total = BatchStats()
                for record in records:
                    total.merge(await self.apply([record]))
                return total
            log.error("consumer.event_refused", error=repr(exc), offset=records[0].offset)
            reason = (f"refused: {exc.rule}: {exc.message}" if isinstance(exc, Refusal)
                      else f"refused by the database: {exc}")
            return await self._apply_batch(records, failed=reason)
        except Exception as exc:
            raise SystemicFailure(f"{type(exc).__name__}: {exc}") from exc

    async def _apply_batch(self, records: Sequence[Record], failed: str | None = None) -> BatchStats:
        rejected: dict[UUID, str] = {}
        attempt, exact = 0, False
        while True:
            stats = BatchStats()
            try:
                with collector_paused():  # until the batch's objects are freed, see below
                    await self._apply_once(records, stats, rejected, failed, exact)
                return stats
            except AppliedBefore:
                exact = True  # a resumed rebuild met an id it applied before it stopped
            except RejectedEvent as refusal:
                rejected[refusal.envelope.event_id] = refusal.reason  # retried without it
            except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError,
                    ConcurrencyConflict):  # a consumer-side command met a concurrent write
                await asyncio.sleep(0.05)
            except TRANSIENT_DB_ERRORS as exc:
                attempt += 1
                log.warning("consumer.database_unavailable", error=repr(exc), attempt=attempt)
                await asyncio.sleep(min(5.0, 0.2 * attempt))

    async def _apply_once(
        self, records: Sequence[Record], stats: BatchStats, rejected: dict[UUID, str],
        failed: str | None, exact: bool,
    ) -> None:
        """One transaction: skip what an earlier delivery already committed, apply the rest,
        dead-letter what cannot be applied, store the offsets."""
        async with self.pool.acquire() as conn, conn.transaction():
            await set_search_path(conn, self.schema)
            unseen = await self._unseen(conn, records)
            decoded, dead = self._decode(unseen)
            undecodable = len(dead)  # the sender's fault, whatever our state
            if failed is not None:
                dead, decoded = dead + [DeadLetter(r, failed) for r, _ in decoded], []
            if rejected:
                dead += [DeadLetter(r, f"rejected: {rejected[e.event_id]}")
                         for r, e in decoded if e.event_id in rejected]
                decoded = [(r, e) for r, e in decoded if e.event_id not in rejected]
            fresh, reused = await self._fresh(conn, decoded, stats, exact)
            dead += [DeadLetter(r, REUSED_ID) for r in reused]
            refused_in_row = self._refusal_run(len(dead) - undecodable, len(fresh), dead)
            for projection, wanted in self._routes:
                events = [e for r, e in fresh if r.topic in wanted]
                if events:
                    await projection.apply(conn, events)
            await self._send_dead(dead, stats)  # before the commit: a crash re-sends, never loses
            await self._store_offsets(conn, records)
        self.refused_in_row = refused_in_row
        if self._committed is not None:  # only once committed: a rolled-back batch is retried
            self._committed.update(e.event_id.int for _, e in fresh)
        stats.applied += len(fresh)
        for r, _ in fresh:
            stats.by_topic[r.topic] = stats.by_topic.get(r.topic, 0) + 1

    def _refusal_run(self, refused: int, applied: int, dead: list[DeadLetter]) -> int:
        run = refused if applied else self.refused_in_row + refused
        if self.max_refused_in_row is not None and refused and run >= self.max_refused_in_row:
            raise SystemicFailure(
                f"{run} events refused in a row, none applied (last: {dead[-1].reason}); "
                "check the dead letters, then restart the service to go on")
        return run

    async def _unseen(self, conn: asyncpg.Connection, records: Sequence[Record]) -> list[Record]:
        """Records past the stored offsets. Locking the partitions' offset rows serializes two
        instances handed the same partition by a rebalance: the second sees the first's commit.
        The no-op upsert creates a missing row and locks an existing one, in sorted order."""
        partitions = sorted({(r.topic, r.partition) for r in records})
        rows = await conn.fetch(
            "INSERT INTO consumer_offset AS o (topic, partition, next_offset) "
            "SELECT t, p, 0 FROM unnest($1::text[], $2::int[]) AS u(t, p) "
            "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = o.next_offset "
            "RETURNING topic, partition, next_offset, "
            "(SELECT generation FROM read_model_generation WHERE id = 1)",
            [t for t, _ in partitions], [p for _, p in partitions],
        )
        if self.generation is not None and rows and rows[0]["generation"] != self.generation:
            raise SchemaSwapped
        stored = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        return [r for r in records if r.offset >= stored[(r.topic, r.partition)]]

    def _decode(
        self, records: Sequence[Record]
    ) -> tuple[list[tuple[Record, Envelope]], list[DeadLetter]]:
        good: list[tuple[Record, Envelope]] = []
        dead: list[DeadLetter] = []
        policy = value_policy()
        for record in records:
            read = read_message(record.value, None if record.topic in self._checked_at_write
                                else policy)
            if isinstance(read, str):
                dead.append(DeadLetter(record, read))
            else:
                good.append((record, read))
        return good, dead

    async def _send_dead(self, dead: list[DeadLetter], stats: BatchStats) -> None:
        # Dead letters go out before the offsets commit: a crash re-sends, never loses one.
        if dead and self.dead_letter is not None:
            await self.dead_letter(dead)
        stats.dead_lettered += len(dead)
        for d in dead:
            log.warning("consumer.dead_letter", topic=d.record.topic, offset=d.record.offset,
                        reason=d.reason)

    async def _fresh(
        self, conn: asyncpg.Connection, decoded: list[tuple[Record, Envelope]], stats: BatchStats,
        exact: bool,
    ) -> tuple[list[tuple[Record, Envelope]], list[Record]]:
        """The events to apply, and the records reusing an applied event's id with other
        content (dead-lettered: a redelivery is dropped, a different event is not silently)."""
        if self.as_of is not None:
            kept = [(r, e) for r, e in decoded if e.occurred_at <= self.as_of]
            stats.skipped_after_as_of += len(decoded) - len(kept)
            decoded = kept
        if not decoded:
            return [], []
        if self._committed is not None and not exact:
            remembered = await self._fresh_in_rebuild(conn, decoded, self._committed)
            stats.duplicates += len(decoded) - len(remembered)
            return remembered, []
        first: dict[UUID, bytes] = {}
        for r, e in decoded:
            first.setdefault(e.event_id, digest(r.value))
        # Sorted ids: concurrent instances lock the same keys in the same order (no deadlock).
        # By their integer value: UUID's own comparison runs in Python, a million calls a rebuild.
        ids = sorted(first, key=_as_int)
        new = await conn.fetch(
            "INSERT INTO processed_event (event_id, digest) SELECT * FROM "
            "unnest($1::uuid[], $2::bytea[]) ON CONFLICT DO NOTHING RETURNING event_id",
            ids, [first[i] for i in ids],
        )
        new_ids = {r["event_id"] for r in new}
        stored = await self._stored_digests(conn, [i for i in ids if i not in new_ids], first)
        fresh: list[tuple[Record, Envelope]] = []
        reused: list[Record] = []
        for r, e in decoded:
            if e.event_id in new_ids:
                new_ids.discard(e.event_id)  # a duplicate inside the batch applies once
                fresh.append((r, e))
            elif digest(r.value) != stored.get(e.event_id, first[e.event_id]):
                reused.append(r)
        stats.duplicates += len(decoded) - len(fresh) - len(reused)
        return fresh, reused

    @staticmethod
    async def _stored_digests(
        conn: asyncpg.Connection, seen: list[UUID], first: dict[UUID, bytes],
    ) -> dict[UUID, bytes]:
        """The digests applied events were recorded with; one recorded without takes the
        digest of this delivery (the first from Kafka: what its producer published)."""
        if not seen:
            return {}
        rows = await conn.fetch(
            "UPDATE processed_event p SET digest = coalesce(p.digest, d.digest) "
            "FROM unnest($1::uuid[], $2::bytea[]) AS d(event_id, digest) "
            "WHERE p.event_id = d.event_id RETURNING p.event_id, p.digest",
            seen, [first[i] for i in seen],
        )
        return {r["event_id"]: r["digest"] for r in rows}

    @staticmethod
    async def _fresh_in_rebuild(
        conn: asyncpg.Connection, decoded: list[tuple[Record, Envelope]], committed: set[int],
    ) -> list[tuple[Record, Envelope]]:
        """A rebuild's fresh events: not among the ids it committed, each once; their ids are
        inserted without asking for the ones that were new. An id the table already holds,
        from before a resumed rebuild stopped, fails the insert: the batch is then applied
        the exact way."""
        fresh: list[tuple[Record, Envelope]] = []
        batch: set[int] = set()
        for r, e in decoded:
            key = e.event_id.int
            if key not in committed and key not in batch:
                batch.add(key)
                fresh.append((r, e))
        if not fresh:
            return fresh
        try:
            await conn.execute(
                "INSERT INTO processed_event (event_id, digest) "
                "SELECT * FROM unnest($1::uuid[], $2::bytea[])",
                [e.event_id for _, e in fresh], [digest(r.value) for r, _ in fresh])
        except asyncpg.UniqueViolationError as exc:
            raise AppliedBefore from exc
        return fresh

    @staticmethod
    async def _store_offsets(conn: asyncpg.Connection, records: Sequence[Record]) -> None:
        latest: dict[tuple[str, int], int] = {}
        for r in records:
            key = (r.topic, r.partition)
            latest[key] = max(latest.get(key, -1), r.offset + 1)
        if not latest:
            return
        await conn.execute(
            "INSERT INTO consumer_offset (topic, partition, next_offset) "
            "SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) "
            "ON CONFLICT (topic, partition) DO UPDATE "
            "SET next_offset = GREATEST(consumer_offset.next_offset, EXCLUDED.next_offset)",
            [k[0] for k in latest], [k[1] for k in latest], list(latest.values()),
        )
