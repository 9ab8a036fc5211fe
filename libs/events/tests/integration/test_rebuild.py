"""A projection rebuilt from offset zero into a fresh schema equals the live one; as-of
rebuilds count only events up to that business instant; a swap makes it live atomically."""

from datetime import timedelta

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics, encode
from ledgerline_events.runtime import BatchApplier, Progress, rebuild, swap
from ledgerline_events.runtime.projection import Record, install_read_schema

from ..sample import T0, InvoiceOpenAmounts, allocation, invoice
from .conftest import publish, rows

pytestmark = pytest.mark.integration


async def test_rebuild_as_of_and_swap(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    late = allocation("a-late", "i-1", "30.00").model_copy(update={"occurred_at": T0 + timedelta(days=40)})
    invoices = [invoice(f"i-{n}", "100.00", customer=f"C-{n % 7}") for n in range(1, 201)]
    allocations = [allocation(f"a-{n}", f"i-{n}", "25.00", customer=f"C-{n % 7}") for n in range(1, 101)]
    await publish(producer, topics.invoicing, invoices)
    await publish(producer, topics.cash_application, [*allocations, late])

    live = f"{schema_prefix}live"
    projection = InvoiceOpenAmounts()
    async with pg_pool.acquire() as conn, conn.transaction():
        await install_read_schema(conn, live, [projection])
    everything = [Record(topics.invoicing, 0, i, None, encode(e)) for i, e in enumerate(invoices)]
    everything += [Record(topics.cash_application, 0, i, None, encode(e))
                   for i, e in enumerate([*allocations, late])]
    await BatchApplier(pg_pool, live, [projection], topics).apply(everything)

    seen: list[Progress] = []
    stats = await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[projection],
                          topics=topics, target_schema=f"{schema_prefix}rebuild", on_progress=seen.append)
    assert stats.applied == 301 and seen[-1].done == seen[-1].total == 301
    assert await rows(pg_pool, f"{schema_prefix}rebuild") == await rows(pg_pool, live)

    await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[projection], topics=topics,
                  target_schema=f"{schema_prefix}asof", as_of=T0 + timedelta(days=1))
    as_of = {r[0]: r[2] for r in await rows(pg_pool, f"{schema_prefix}asof")}
    assert as_of["i-1"] == 25  # the allocation dated after the as-of instant is not counted

    retired = await swap(pg_pool, live, f"{schema_prefix}rebuild")
    assert await rows(pg_pool, live) == await rows(pg_pool, retired)


async def test_a_rebuild_applies_an_event_published_twice_once(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    issued = invoice("i-1", "100.00")
    paid = allocation("a-1", "i-1", "40.00")
    await publish(producer, topics.invoicing, [issued, issued])  # a relay re-sent it
    await publish(producer, topics.cash_application, [paid])

    stats = await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[InvoiceOpenAmounts()],
                          topics=topics, target_schema=f"{schema_prefix}rebuild")

    assert (stats.applied, stats.duplicates) == (2, 1)
    assert await rows(pg_pool, f"{schema_prefix}rebuild") == [("i-1", 100, 40, 2)]


async def test_a_resumed_rebuild_applies_an_event_it_applied_before_stopping_once(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    """The resumed run does not remember the ids of the first: the table tells it."""
    issued, paid = invoice("i-1", "100.00"), allocation("a-1", "i-1", "40.00")
    await publish(producer, topics.invoicing, [issued])
    await publish(producer, topics.cash_application, [paid])
    target = f"{schema_prefix}rebuild"
    await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[InvoiceOpenAmounts()],
                  topics=topics, target_schema=target)
    await publish(producer, topics.cash_application, [paid, allocation("a-2", "i-1", "10.00")])

    stats = await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=[InvoiceOpenAmounts()],
                          topics=topics, target_schema=target, resume=True)

    assert (stats.applied, stats.duplicates) == (1, 1)
    assert await rows(pg_pool, target) == [("i-1", 100, 50, 3)]
