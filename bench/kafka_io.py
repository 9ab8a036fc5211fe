"""Publishing the synthetic history, and the consume limit: raw aiokafka, decode only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ledgerline_events.runtime.topics_admin import ensure_topics, partitions_of

from .config import BenchConfig
from .history import generate
from .progress import Meter

PRODUCERS = ("invoicing", "cash-application", "collections")


def history_topics(cfg: BenchConfig) -> list[str]:
    return [cfg.topics.events(p) for p in PRODUCERS]


async def publish(cfg: BenchConfig) -> dict[str, Any]:
    """Publish the history (keys = customer id) with a batching producer; events/s."""
    topics = {p: cfg.topics.events(p) for p in PRODUCERS}
    await ensure_topics(cfg.bootstrap, [*topics.values(), cfg.topics.credit])
    producer = AIOKafkaProducer(
        bootstrap_servers=cfg.bootstrap, acks=1, linger_ms=20,
        max_batch_size=1024 * 1024, compression_type=None,
    )
    await producer.start()
    meter = Meter("publish", cfg.events)
    counts: dict[str, int] = dict.fromkeys(PRODUCERS, 0)
    pending: list[asyncio.Future[Any]] = []
    try:
        for n, m in enumerate(generate(cfg.events, cfg.customers, cfg.seed), 1):
            pending.append(await producer.send(topics[m.producer], value=m.value, key=m.key))
            counts[m.producer] += 1
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
                meter.update(n)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return {"events": cfg.events, "by_topic": counts, "seconds": meter.elapsed,
            "events_per_s": meter.done(cfg.events)}


async def raw_consume(cfg: BenchConfig, decode: Callable[[bytes], object] = orjson.loads,
                      label: str = "raw consume") -> dict[str, Any]:
    """Read every message of the history topics from offset zero and `decode` each: orjson
    only (the limit of the issue), or the contract's validating decode (a second reference:
    what any consumer of ours pays before touching a database)."""
    partitions = await partitions_of(cfg.bootstrap, history_topics(cfg))
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=cfg.bootstrap, group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest", max_poll_records=10_000,
        fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        end = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        total = sum(end.values())
        meter, done, decoded_bytes = Meter(label, total), 0, 0
        pending = {tp for tp in tps if end[tp] > 0}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=500, max_records=10_000)
            for tp, msgs in batches.items():
                for m in msgs:
                    if m.value is not None:
                        decode(m.value)
                        decoded_bytes += len(m.value)
                done += len(msgs)
                if msgs and msgs[-1].offset + 1 >= end[tp]:
                    pending.discard(tp)
            meter.update(done)
    finally:
        await consumer.stop()
    return {"events": done, "bytes": decoded_bytes, "seconds": meter.elapsed,
            "events_per_s": meter.done(done)}
