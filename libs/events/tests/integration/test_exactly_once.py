"""Publishing and consuming against the real broker: nothing lost, nothing applied twice."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ledgerline_events.contract import Topics, encode
from ledgerline_events.runtime import ConsumerRunner, EventStore, OutboxRelay
from ledgerline_events.testing import eventually

from ..sample import InvoiceOpenAmounts, allocation, invoice
from .conftest import publish, rows

pytestmark = pytest.mark.integration


@pytest.fixture
async def runner(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str
) -> AsyncIterator[ConsumerRunner]:
    r = ConsumerRunner(
        service="collections", pool=pg_pool, schema=f"{schema_prefix}read",
        projections=[InvoiceOpenAmounts()], topics=topics, bootstrap=kafka_bootstrap,
        group_id=f"{topics.prefix}group", batch_size=50,
    )
    await r.install()
    task = asyncio.create_task(r.run())
    yield r
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_killing_the_relay_mid_stream_loses_nothing_and_applies_nothing_twice(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    runner: ConsumerRunner,
) -> None:
    store = EventStore(pg_pool, f"{schema_prefix}invoicing", producer="invoicing")
    await store.install()
    for batch in range(30):
        async with store.unit_of_work() as uow:
            await uow.write([invoice(f"inv-{batch}-{i}", "10.00") for i in range(10)])

    def new_relay() -> OutboxRelay:
        return OutboxRelay(pg_pool, store.schema, topics.invoicing, kafka_bootstrap, batch_size=7)

    first = new_relay()
    task = asyncio.create_task(first.run())
    await eventually(lambda: _true_if(first.published >= 50))
    task.cancel()  # the crash: some published, the rest still in the outbox
    await asyncio.gather(task, return_exceptions=True)
    assert first.published < 300

    second = new_relay()
    task = asyncio.create_task(second.run())
    try:
        # A bound for a stuck stream, not a speed target: 36 relay batches and the consumer's
        # took more than 60 s on a busy CI machine.
        await eventually(lambda: _count(pg_pool, runner.schema, 300), timeout=180)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    table = await rows(pg_pool, runner.schema)
    assert len(table) == 300 and all(events == 1 for *_, events in table)


async def test_a_redelivered_batch_leaves_the_projection_unchanged(
    pg_pool: asyncpg.Pool, topics: Topics, producer: AIOKafkaProducer, runner: ConsumerRunner,
) -> None:
    batch = [invoice("inv-1", "100.00"), allocation("a-1", "inv-1", "40.00")]
    await publish(producer, topics.invoicing, batch[:1])
    await publish(producer, topics.cash_application, batch[1:])
    await eventually(lambda: _count(pg_pool, runner.schema, 1, events=2))
    before = await rows(pg_pool, runner.schema)

    await publish(producer, topics.invoicing, batch[:1])  # the same events on the wire again
    await publish(producer, topics.cash_application, batch[1:])
    await publish(producer, topics.invoicing, [invoice("inv-2", "5.00")])  # a marker after them
    await eventually(lambda: _count(pg_pool, runner.schema, 2))
    after = await rows(pg_pool, runner.schema)
    assert after[0] == before[0]
    assert runner.totals.duplicates >= 2  # more if a rebalance re-read: dropped all the same


async def test_malformed_and_unknown_events_go_to_the_dead_letter_topic_and_the_rest_apply(
    pg_pool: asyncpg.Pool, topics: Topics, producer: AIOKafkaProducer, runner: ConsumerRunner,
    kafka_bootstrap: str,
) -> None:
    unknown = orjson.loads(encode(invoice("inv-x", "1.00")))
    unknown["event_type"] = "invoicing.InvoiceTeleported"
    await publish(producer, topics.invoicing, [
        invoice("inv-1", "10.00"), b"{not json", orjson.dumps(unknown), invoice("inv-2", "20.00"),
    ])
    await eventually(lambda: _count(pg_pool, runner.schema, 2))

    dead = AIOKafkaConsumer(topics.dead_letter("collections"), bootstrap_servers=kafka_bootstrap,
                            auto_offset_reset="earliest", group_id=None)
    await dead.start()
    try:
        batches = await dead.getmany(timeout_ms=10_000, max_records=10)
        messages = [orjson.loads(m.value) for msgs in batches.values() for m in msgs]
    finally:
        await dead.stop()
    reasons = sorted(m["reason"] for m in messages)
    assert len(reasons) == 2
    assert reasons[0].startswith("not JSON") and "unknown event type" in reasons[1]
    assert {m["source_topic"] for m in messages} == {topics.invoicing}


async def _true_if(value: bool) -> bool:
    return value


async def _count(pool: asyncpg.Pool, schema: str, n: int, events: int | None = None) -> bool:
    table = await rows(pool, schema)
    return len(table) == n and (events is None or sum(r[3] for r in table) == events)
