"""The lag a consumer reports (its /metrics) is what it has still to apply, from its start on."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.runtime import ConsumerRunner, rebuild, swap
from ledgerline_events.testing import eventually

from ..sample import InvoiceOpenAmounts, invoice
from .conftest import publish, rows

pytestmark = pytest.mark.integration


async def test_a_restarted_consumer_caught_up_with_its_topics_reports_no_lag(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    def new_runner() -> ConsumerRunner:
        return ConsumerRunner(
            service="collections", pool=pg_pool, schema=f"{schema_prefix}read",
            projections=[InvoiceOpenAmounts()], topics=topics, bootstrap=kafka_bootstrap,
            group_id=f"{topics.prefix}group", batch_size=500,
        )

    history = [invoice(f"inv-{i}", "1.00", customer=f"C-{i % 12}") for i in range(600)]
    async with running(new_runner) as first:
        await publish(producer, topics.invoicing, history)
        await eventually(lambda: _applied(pg_pool, first.schema, 600))

    # The restart seeks to the stored offsets while aiokafka may already hold records it
    # fetched from the beginning; those are skipped, and must not count as lag again.
    async with running(new_runner) as second:
        await publish(producer, topics.invoicing, [invoice("inv-last", "1.00", customer="C-1")])
        await eventually(lambda: _applied(pg_pool, second.schema, 601))
        await eventually(lambda: _no_lag(second, topics.invoicing), timeout=15)


@asynccontextmanager
async def running(new_runner: Callable[[], ConsumerRunner]) -> AsyncIterator[ConsumerRunner]:
    runner = new_runner()
    await runner.install()
    task = asyncio.create_task(runner.run())
    try:
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _no_lag(runner: ConsumerRunner, topic: str) -> bool:
    return runner.lag().get(topic) == 0


async def _applied(pool: asyncpg.Pool, schema: str, n: int) -> bool:
    return len(await rows(pool, schema)) == n


async def test_a_live_consumer_resumes_from_the_offsets_of_a_rebuild_swapped_in_behind_it(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    live = f"{schema_prefix}read"

    def new_runner() -> ConsumerRunner:
        return ConsumerRunner(
            service="collections", pool=pg_pool, schema=live,
            projections=[InvoiceOpenAmounts()], topics=topics, bootstrap=kafka_bootstrap,
            group_id=f"{topics.prefix}group", batch_size=500, linger_s=0.01,
        )

    async with running(new_runner):
        await publish(producer, topics.invoicing, [invoice("inv-a", "1.00")])
        await eventually(lambda: _applied(pg_pool, live, 1))
        await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[InvoiceOpenAmounts()],
                      topics=topics, target_schema=f"{schema_prefix}rebuilt")
        # Published after the rebuild read the log, applied only to the schema about to retire.
        await publish(producer, topics.invoicing, [invoice("inv-b", "1.00")])
        await eventually(lambda: _applied(pg_pool, live, 2))
        await swap(pg_pool, live, f"{schema_prefix}rebuilt")
        await publish(producer, topics.invoicing, [invoice("inv-c", "1.00")])
        await eventually(lambda: _applied(pg_pool, live, 3))
        assert [r[0] for r in await rows(pg_pool, live)] == ["inv-a", "inv-b", "inv-c"]
