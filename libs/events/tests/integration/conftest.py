from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Envelope, encode
from ledgerline_events.runtime import EventStore


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await p.start()
    yield p
    await p.stop()


async def publish(producer: AIOKafkaProducer, topic: str, events: Sequence[Envelope | bytes]) -> None:
    for e in events:
        value = e if isinstance(e, bytes) else encode(e)
        key = b"C-1" if isinstance(e, bytes) else e.partition_key
        await producer.send_and_wait(topic, value=value, key=key)



async def rows(pool: asyncpg.Pool, schema: str) -> list[tuple[str, object, object, int]]:
    async with pool.acquire() as conn:
        records = await conn.fetch(
            f'SELECT invoice_id, gross, allocated, events FROM "{schema}".invoice_open ORDER BY 1'
        )
    return [tuple(r) for r in records]  # type: ignore[misc]


@pytest.fixture
async def store(pg_pool: asyncpg.Pool, schema_prefix: str) -> EventStore:
    """An installed event store of its own for the test."""
    s = EventStore(pg_pool, f"{schema_prefix}invoicing", producer="invoicing")
    await s.install()
    return s
