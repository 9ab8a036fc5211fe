"""Rebuild a service's replayable projections from offset zero into a fresh schema while the
live one keeps serving; optionally as of a business instant; resumable; optionally swapped in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ledgerline_events.runtime import Progress, ServiceSettings, create_pool, rebuild, rebuild_schema, swap
from ledgerline_events.runtime.definition import ServiceDefinition


@dataclass(frozen=True)
class ReplayOutcome:
    target_schema: str
    applied: int
    skipped_after_as_of: int
    dead_lettered: int
    retired_schema: str | None = None


class ReplayRefused(ValueError):
    """An operator asked for something unsafe (e.g. swapping in an as-of rebuild)."""


@asynccontextmanager
async def database(settings: ServiceSettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(settings.pg_dsn, min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


async def rebuild_into(
    pool: asyncpg.Pool, ops: ServiceDefinition, settings: ServiceSettings, target: str, *,
    as_of: datetime | None = None, resume: bool = False, workers: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
) -> ReplayOutcome:
    """Fill `target` with the service's projections as the log says (up to `as_of`)."""
    stats = await rebuild(
        pool=pool, bootstrap=settings.kafka_bootstrap, projections=ops.replay_projections(),
        topics=settings.topics, target_schema=target, as_of=as_of, resume=resume,
        on_progress=on_progress, workers=workers, dsn=settings.pg_dsn,
    )
    return ReplayOutcome(target, stats.applied, stats.skipped_after_as_of, stats.dead_lettered)


async def replay(
    ops: ServiceDefinition, settings: ServiceSettings, *, as_of: datetime | None = None,
    swap_in: bool = False, resume: bool = False, workers: int = 1,
    on_progress: Callable[[Progress], None] | None = None,
) -> ReplayOutcome:
    """`ledgerline replay`: rebuild into `<read_schema>_rebuild`; with `swap_in`, make it live
    (the old schema is kept as `<read_schema>_retired_<timestamp>`)."""
    if swap_in and as_of is not None:
        raise ReplayRefused("--swap with --as-of: an as-of rebuild is a picture of the past, "
                            "it must not replace the live read model")
    target = rebuild_schema(settings.read_schema)
    async with database(settings) as pool:
        outcome = await rebuild_into(pool, ops, settings, target, as_of=as_of, resume=resume,
                                     workers=workers, on_progress=on_progress)
        if not swap_in:
            return outcome
        retired = await swap(pool, settings.read_schema, target)
    return ReplayOutcome(target, outcome.applied, outcome.skipped_after_as_of,
                         outcome.dead_lettered, retired)
