"""A rebuild shared among processes, partition by partition.

Decoding and folding events is Python work that one process does on one core. Producers key
every topic by customer and our topics have the same partition count, so partition number N of
every topic holds the same customers: giving each worker process all topics' partition N keeps
a customer's events in one worker, and the workers seldom touch the same rows. When they do,
nothing changes: each batch is still one transaction with its offsets and the processed-event
ids, exactly as two live instances of a service sharing the partitions of a consumer group.

Progress is read from what the workers committed (the target schema's stored offsets), so it
never runs ahead of what a crash would keep.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from .postgres import create_pool
from .projection import BatchStats, stored_offsets
from .rebuild import Progress, ReplayPlan, replay_partitions

PROGRESS_EVERY_S = 1.0


def shares(
    tps: list[TopicPartition], workers: int, sizes: dict[TopicPartition, int] | None = None
) -> list[list[TopicPartition]]:
    """Partition number N of every topic goes to one worker (empty shares dropped).

    The numbers are dealt largest first (by their events still to replay, `sizes`) to the
    least loaded worker: the rebuild lasts as long as its busiest worker, and a plain
    N mod `workers` would give one of two workers twice the other's work with 3 partitions."""
    weight: dict[int, int] = {}
    for tp in tps:
        weight[tp.partition] = weight.get(tp.partition, 0) + (sizes or {}).get(tp, 1)
    load = [0] * workers
    worker_of: dict[int, int] = {}
    for number in sorted(weight, key=lambda n: (-weight[n], n)):
        least = min(range(workers), key=lambda w: (load[w], w))
        worker_of[number] = least
        load[least] += weight[number]
    by_worker: list[list[TopicPartition]] = [[] for _ in range(workers)]
    for tp in tps:
        by_worker[worker_of[tp.partition]].append(tp)
    return [share for share in by_worker if share]


async def replay_in_processes(
    plan: ReplayPlan, dsn: str, pool: asyncpg.Pool, tps: list[TopicPartition], workers: int,
    on_progress: Callable[[Progress], None] | None,
) -> BatchStats:
    begin, end = await _offset_range(plan.bootstrap, tps)
    start = {tp: plan.offsets.get((tp.topic, tp.partition), begin[tp]) for tp in tps}
    spawn = multiprocessing.get_context("spawn")  # no forked copies of sockets or the loop
    loop = asyncio.get_running_loop()
    began = time.monotonic()
    work = shares(tps, workers, {tp: end[tp] - start[tp] for tp in tps})
    with ProcessPoolExecutor(len(work), mp_context=spawn) as executor:
        running = asyncio.gather(*(
            loop.run_in_executor(executor, replay_share, plan, dsn, share) for share in work
        ))
        while not running.done():
            await asyncio.wait({running}, timeout=PROGRESS_EVERY_S)
            if on_progress is not None:
                done = await _committed(pool, plan.schema, start, end)
                on_progress(Progress(done, sum(end[tp] - start[tp] for tp in tps),
                                     time.monotonic() - began))
        results = await running
    total = BatchStats()
    for result in results:
        total.merge(result)
    return total


def replay_share(plan: ReplayPlan, dsn: str, share: list[TopicPartition]) -> BatchStats:
    """The body of one worker process."""
    return asyncio.run(_replay_share(plan, dsn, share))


async def _replay_share(plan: ReplayPlan, dsn: str, share: list[TopicPartition]) -> BatchStats:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        return await replay_partitions(plan, pool, share)
    finally:
        await pool.close()


async def _offset_range(
    bootstrap: str, tps: list[TopicPartition]
) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, isolation_level="read_committed")
    await consumer.start()
    try:
        return await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
    finally:
        await consumer.stop()


async def _committed(
    pool: asyncpg.Pool, schema: str, start: dict[TopicPartition, int], end: dict[TopicPartition, int]
) -> int:
    async with pool.acquire() as conn:
        stored = await stored_offsets(conn, schema)
    return sum(
        max(0, min(end[tp], stored.get((tp.topic, tp.partition), start[tp])) - start[tp])
        for tp in start
    )
