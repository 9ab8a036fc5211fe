"""Replay jobs, each run in its own process (`python -m bench.replay JOB ...`) so that its
peak memory (maxrss) is its own. The last stdout line is `RESULT {json}`.

Jobs: `ageing` (collections Receivables), `open_items` (cash-application CashLedger),
`activity` (collections' projections but Receivables) and `credit` (only to fill the
services' read schemas for the latency phases),
`naive-ageing` / `naive-open_items`: the same projection, one event per transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from ledgerline_cash.projections.cash_ledger import CashLedger
from ledgerline_collections.bootstrap import replay_projections as collections_projections
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_credit.bootstrap import replay_projections
from ledgerline_events.contract import Topics
from ledgerline_events.runtime import BatchApplier, Progress, Projection, Record, create_pool, rebuild
from ledgerline_events.runtime.projection import install_read_schema
from ledgerline_events.runtime.topics_admin import partitions_of

from .progress import Meter


def projections_for(job: str) -> list[Projection]:
    name = job.removeprefix("naive-")
    table: dict[str, list[Projection]] = {
        "ageing": [Receivables()], "open_items": [CashLedger()],
        "activity": [p for p in collections_projections() if not isinstance(p, Receivables)],
        "credit": replay_projections(),
    }
    return table[name]


def peak_rss_mb() -> float:
    """The largest resident set of this process or any of its worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


async def run_rebuild(a: argparse.Namespace) -> dict[str, Any]:
    topics = Topics(prefix=a.topic_prefix)
    pool = await create_pool(a.dsn, min_size=1, max_size=2)
    rss_before = peak_rss_mb()
    last = [0.0]

    def progress(p: Progress) -> None:
        if time.monotonic() - last[0] >= 2.0:
            last[0] = time.monotonic()
            eta = f"{p.eta_s:,.0f} s" if p.eta_s is not None else "?"
            print(f"  rebuild {a.job}: {p.done:,}/{p.total:,}  {p.rate:,.0f} events/s  ETA {eta}",
                  flush=True)

    began = time.perf_counter()
    try:
        stats = await rebuild(pool=pool, bootstrap=a.bootstrap, projections=projections_for(a.job),
                              topics=topics, target_schema=a.schema, batch_size=a.batch_size,
                              on_progress=progress, workers=a.workers, dsn=a.dsn)
    finally:
        await pool.close()
    seconds = time.perf_counter() - began
    consumed = stats.applied + stats.duplicates + stats.dead_lettered
    return {"job": a.job, "events": consumed, "applied": stats.applied,
            "dead_lettered": stats.dead_lettered, "seconds": seconds,
            "events_per_s": consumed / seconds if seconds else 0.0,
            "peak_rss_mb": peak_rss_mb(), "rss_before_mb": rss_before,
            "batch_size": a.batch_size, "workers": a.workers}


async def run_naive(a: argparse.Namespace) -> dict[str, Any]:
    """BatchApplier.apply with single-record batches: one transaction per event."""
    topics = Topics(prefix=a.topic_prefix)
    projections = projections_for(a.job)
    pool = await create_pool(a.dsn, min_size=1, max_size=2)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'DROP SCHEMA IF EXISTS "{a.schema}" CASCADE')
        await install_read_schema(conn, a.schema, projections)
    applier = BatchApplier(pool, a.schema, projections, topics)
    names = sorted({t for p in projections for t in p.topics(topics)})
    tps = [TopicPartition(t, p) for t, ps in (await partitions_of(a.bootstrap, names)).items()
           for p in ps]
    consumer = AIOKafkaConsumer(bootstrap_servers=a.bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    done, meter = 0, Meter(f"naive {a.job}", a.limit)
    try:
        consumer.assign(tps)
        end = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        pending = {tp for tp in tps if end[tp] > 0}
        while pending and done < a.limit and meter.elapsed < a.seconds:
            batches = await consumer.getmany(*pending, timeout_ms=500, max_records=500)
            for tp, msgs in batches.items():
                for m in msgs:
                    if done >= a.limit or meter.elapsed >= a.seconds:
                        break
                    await applier.apply([Record(m.topic, m.partition, m.offset, m.key, m.value)])
                    done += 1
                if msgs and msgs[-1].offset + 1 >= end[tp]:
                    pending.discard(tp)
            meter.update(done)
    finally:
        await consumer.stop()
        await pool.close()
    seconds = meter.elapsed
    return {"job": a.job, "events": done, "seconds": seconds,
            "events_per_s": meter.done(done), "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("job")
    p.add_argument("--dsn", required=True)
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic-prefix", required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--workers", type=int, default=1, help="rebuild: processes sharing the partitions")
    p.add_argument("--limit", type=int, default=20_000, help="naive: at most this many events")
    p.add_argument("--seconds", type=float, default=60.0, help="naive: at most this long")
    a = p.parse_args(argv)
    job = run_naive(a) if a.job.startswith("naive-") else run_rebuild(a)
    result = asyncio.run(job)
    sys.stdout.write("RESULT " + orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
