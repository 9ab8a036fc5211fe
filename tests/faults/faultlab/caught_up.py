"""When has the system caught up? Nothing left in any outbox, and every consumer's offsets of
record (in PostgreSQL, beside its projections) at the end of every partition it reads."""

from __future__ import annotations

import asyncio

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.postgres import ident
from ledgerline_events.runtime.topics_admin import partitions_of
from ledgerline_ops.services import SERVICES

from .services import PREFIX

TOPICS = Topics(prefix=f"{PREFIX}.")


def write_schema(service: str) -> str:
    return f"{PREFIX}_{service.replace('-', '_')}"


def consumers() -> dict[str, list[str]]:
    """Schema holding consumer offsets -> the topics that consumer reads."""
    read = {f"{write_schema(name)}_read":
            sorted({t for p in ops.replay_projections() for t in p.topics(TOPICS)})
            for name, ops in SERVICES.items()}
    return {**read, write_schema("invoicing"): [TOPICS.sales_inbound]}  # invoicing's sales intake


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[tuple[str, int], int]:
    partitions = await partitions_of(bootstrap, topics)
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): n for tp, n in ends.items()}


async def behind(pool: asyncpg.Pool, bootstrap: str) -> list[str]:
    """What is still moving: outbox rows and consumer lag, one line each (empty: caught up)."""
    lines = []
    for service in SERVICES:
        pending = await pool.fetchval(f"SELECT count(*) FROM {ident(write_schema(service))}.outbox")
        if pending:
            lines.append(f"{service}: {pending} outbox rows")
    wanted = consumers()
    ends = await end_offsets(bootstrap, sorted({t for ts in wanted.values() for t in ts}))
    for schema, topics in wanted.items():
        rows = await pool.fetch(f"SELECT topic, partition, next_offset FROM {ident(schema)}.consumer_offset")
        stored = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        lag = sum(end - stored.get(tp, 0) for tp, end in ends.items() if tp[0] in topics)
        if lag:
            lines.append(f"{schema}: lag {lag}")
    return lines


async def wait_caught_up(pool: asyncpg.Pool, bootstrap: str, timeout: float = 120.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while lines := await behind(pool, bootstrap):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not caught up after {timeout} s: {lines}")
        await asyncio.sleep(0.5)
    await asyncio.sleep(0.5)  # and once more: nothing appeared meanwhile (hold rules, relays)
    if lines := await behind(pool, bootstrap):
        await wait_caught_up(pool, bootstrap, timeout)
