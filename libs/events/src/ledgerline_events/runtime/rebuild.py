"""Rebuild projections from offset zero into a fresh schema while the live one serves, then
swap atomically. With `as_of`, only events whose business time is up to that instant count.
Resumable: a rebuild started again with `resume=True` continues from its stored offsets."""

from __future__ import annotations

import gc
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from ledgerline_events.contract import Topics

from .postgres import ident, set_search_path
from .projection import BatchApplier, BatchStats, Projection, Record, install_read_schema, stored_offsets
from .reporting import refresh_reporting
from .topics_admin import partitions_of


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None


class RebuildRunning(Exception):
    """Another rebuild into the same schema is under way (another operator, the admin API)."""


@dataclass(frozen=True)
class ReplayPlan:
    """What one rebuild reads and where it writes; shared by every worker of that rebuild."""

    bootstrap: str
    projections: Sequence[Projection]
    topics: Topics
    schema: str
    offsets: dict[tuple[str, int], int]
    as_of: datetime | None
    batch_size: int


async def rebuild(
    *, pool: asyncpg.Pool, bootstrap: str, projections: Sequence[Projection], topics: Topics,
    target_schema: str, as_of: datetime | None = None, resume: bool = False,
    batch_size: int = 5000, on_progress: Callable[[Progress], None] | None = None,
    workers: int = 1, dsn: str | None = None,
) -> BatchStats:
    """Fill `target_schema` with the projections as the log says (up to `as_of`).

    With `workers` > 1 (and the `dsn` they connect with), the partitions are shared among
    that many processes (see `parallel_rebuild`).

    A projection may offer a variant for replays into an empty schema (`for_rebuild()`)
    and a last step once the log is read (`complete(conn)`, e.g. deriving summary tables
    once instead of updating them batch after batch)."""
    projections = [_rebuild_variant(p) for p in projections]
    async with _sole_rebuild_of(pool, target_schema):
        stats = await _fill(pool, bootstrap, projections, topics, target_schema, as_of, resume,
                            batch_size, on_progress, workers, dsn)
        async with pool.acquire() as conn, conn.transaction():
            await set_search_path(conn, target_schema)
            for projection in projections:
                complete = getattr(projection, "complete", None)
                if complete is not None:
                    await complete(conn)
    return stats


@asynccontextmanager
async def _sole_rebuild_of(pool: asyncpg.Pool, target_schema: str) -> AsyncIterator[None]:
    """A session lock on the target's name, held for the rebuild: a second rebuild into the
    same schema would drop or interleave with the first one's tables."""
    async with pool.acquire() as conn:
        key = await conn.fetchval("SELECT hashtextextended($1, 0)", f"rebuild:{target_schema}")
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            raise RebuildRunning(f"a rebuild into {target_schema} is already running")
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)


def _rebuild_variant(projection: Projection) -> Projection:
    variant = getattr(projection, "for_rebuild", None)
    return projection if variant is None else cast(Projection, variant())


async def _fill(
    pool: asyncpg.Pool, bootstrap: str, projections: Sequence[Projection], topics: Topics,
    target_schema: str, as_of: datetime | None, resume: bool, batch_size: int,
    on_progress: Callable[[Progress], None] | None, workers: int, dsn: str | None,
) -> BatchStats:
    async with pool.acquire() as conn, conn.transaction():
        if not resume:
            await conn.execute(f"DROP SCHEMA IF EXISTS {ident(target_schema)} CASCADE")
        await install_read_schema(conn, target_schema, projections)
        offsets = await stored_offsets(conn, target_schema)
    names = sorted({t for p in projections for t in p.topics(topics)})
    partitions = await partitions_of(bootstrap, names)
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    plan = ReplayPlan(bootstrap, projections, topics, target_schema, offsets, as_of, batch_size)
    if workers > 1:
        if dsn is None:
            raise ValueError("a rebuild with several workers needs the database DSN")
        from .parallel_rebuild import replay_in_processes  # spawns processes: only when asked

        return await replay_in_processes(plan, dsn, pool, tps, workers, on_progress)
    return await replay_partitions(plan, pool, tps, on_progress)


async def replay_partitions(
    plan: ReplayPlan, pool: asyncpg.Pool, tps: list[TopicPartition],
    on_progress: Callable[[Progress], None] | None = None,
) -> BatchStats:
    """Replay these partitions from their stored offsets (or the start) up to their end now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=plan.bootstrap, group_id=None, enable_auto_commit=False,
        isolation_level="read_committed", auto_offset_reset="earliest",
        max_poll_records=plan.batch_size, fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        with few_collections():
            return await _replay(consumer, pool, plan, tps, on_progress)
    finally:
        await consumer.stop()


@contextmanager
def few_collections() -> Iterator[None]:
    """A replay keeps a batch of thousands of decoded events alive while it allocates millions
    more; at the default threshold (700 allocations) the collector walks that batch again
    and again. Collect every 50,000 allocations for the replay's duration instead."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


async def _replay(
    consumer: AIOKafkaConsumer, pool: asyncpg.Pool, plan: ReplayPlan, tps: list[TopicPartition],
    on_progress: Callable[[Progress], None] | None,
) -> BatchStats:
    stats = BatchStats()
    if not tps:
        return stats
    consumer.assign(tps)
    end = await consumer.end_offsets(tps)
    begin = await consumer.beginning_offsets(tps)
    start = {tp: plan.offsets.get((tp.topic, tp.partition), begin[tp]) for tp in tps}
    for tp in tps:
        consumer.seek(tp, start[tp])
    pending = {tp for tp in tps if start[tp] < end[tp]}
    total = sum(end[tp] - start[tp] for tp in tps)
    applier = BatchApplier(pool, plan.schema, plan.projections, plan.topics, as_of=plan.as_of,
                           rebuilding=True)
    began, done = time.monotonic(), 0
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=500, max_records=plan.batch_size)
        records = [
            Record(m.topic, m.partition, m.offset, m.key, m.value)
            for tp, msgs in batches.items() for m in msgs if m.offset < end[tp]
        ]
        if records:
            stats.merge(await applier.apply(records))
        remaining = 0
        for tp in list(pending):
            left = end[tp] - await consumer.position(tp)
            if left <= 0:
                pending.discard(tp)
            remaining += max(0, left)
        done = total - remaining
        if on_progress is not None:
            on_progress(Progress(done, total, time.monotonic() - began))
    return stats


async def swap(pool: asyncpg.Pool, live_schema: str, rebuilt_schema: str) -> str:
    """Make the rebuilt schema the live one in one transaction; the old one is kept under a
    dated name (returned) for comparison until an operator drops it."""
    retired = f"{live_schema}_retired_{datetime.now(UTC):%Y%m%d%H%M%S}"[:63]
    async with pool.acquire() as conn, conn.transaction():
        exists = await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", live_schema)
        if exists:
            await conn.execute(f"ALTER SCHEMA {ident(live_schema)} RENAME TO {ident(retired)}")
        await conn.execute(f"ALTER SCHEMA {ident(rebuilt_schema)} RENAME TO {ident(live_schema)}")
        await conn.execute(
            f"UPDATE {ident(live_schema)}.read_model_generation SET generation = gen_random_uuid()"
        )
        await refresh_reporting(conn, live_schema)  # the BI views follow to the new tables
    return retired
