"""A poison message is the sender's fault: it is dead-lettered and the stream goes on. A
failure no event explains (a bug in a projection, a missing table) or a long run of refusals
is ours: the consumer stops with its offsets kept and says so, and goes on once fixed."""

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Envelope, Topics, encode
from ledgerline_events.runtime import BatchApplier, ConsumerRunner, Record, RejectedEvent
from ledgerline_events.runtime import consumer as consumer_module
from ledgerline_events.runtime.projection import (
    DeadLetter,
    SystemicFailure,
    install_read_schema,
    stored_offsets,
)
from ledgerline_events.testing import eventually

from ..sample import InvoiceOpenAmounts, invoice
from .conftest import publish, rows

pytestmark = pytest.mark.integration


class BrokenDeployment(InvoiceOpenAmounts):
    """A projection shipped with a bug: it fails on every event until `fixed`."""

    fixed = False

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        if not self.fixed:
            raise KeyError("gross_total_eur")  # a renamed field nobody told this projection about
        await super().apply(conn, events)


class RefusesEverything(InvoiceOpenAmounts):
    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        raise RejectedEvent(events[0], "customer unknown")


async def _applier(pool: asyncpg.Pool, schema: str, projection: InvoiceOpenAmounts, topics: Topics,
                   sent: list[DeadLetter], **options: int) -> BatchApplier:
    async with pool.acquire() as conn, conn.transaction():
        await install_read_schema(conn, schema, [projection])

    async def sink(dead: Sequence[DeadLetter]) -> None:
        sent.extend(dead)

    return BatchApplier(pool, schema, [projection], topics, dead_letter=sink, **options)


async def test_a_bug_in_a_projection_stops_the_batch_without_dead_lettering_or_moving_offsets(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics,
) -> None:
    schema, sent = f"{schema_prefix}read", list[DeadLetter]()
    applier = await _applier(pg_pool, schema, BrokenDeployment(), topics, sent)
    batch = [Record(topics.invoicing, 0, n, None, encode(invoice(f"i-{n}", "10.00"))) for n in range(3)]

    with pytest.raises(SystemicFailure, match="KeyError"):
        await applier.apply(batch)

    assert sent == []
    async with pg_pool.acquire() as conn:
        assert await stored_offsets(conn, schema) == {}
    assert await rows(pg_pool, schema) == []


async def test_undecodable_messages_are_dead_lettered_however_many_come_in_a_row(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics,
) -> None:
    schema, sent = f"{schema_prefix}read", list[DeadLetter]()
    applier = await _applier(pg_pool, schema, InvoiceOpenAmounts(), topics, sent, max_refused_in_row=3)
    garbage = [Record(topics.invoicing, 0, n, None, b"{truncated") for n in range(10)]

    stats = await applier.apply(garbage)

    assert (stats.dead_lettered, len(sent)) == (10, 10)


async def test_a_long_run_of_refused_events_stops_the_consumer_before_the_limit_is_crossed(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics,
) -> None:
    schema, sent = f"{schema_prefix}read", list[DeadLetter]()
    applier = await _applier(pg_pool, schema, RefusesEverything(), topics, sent, max_refused_in_row=3)

    def record(n: int) -> Record:
        return Record(topics.invoicing, 0, n, None, encode(invoice(f"i-{n}", "10.00")))

    first = await applier.apply([record(0), record(1)])
    with pytest.raises(SystemicFailure, match="3 events refused in a row"):
        await applier.apply([record(2)])

    assert first.dead_lettered == 2 and len(sent) == 2
    async with pg_pool.acquire() as conn:
        assert await stored_offsets(conn, schema) == {(topics.invoicing, 0): 2}


async def test_a_halted_consumer_keeps_its_offset_reports_why_and_resumes_once_fixed(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(consumer_module, "HALT_PAUSE_S", 0.5)
    schema, projection = f"{schema_prefix}read", BrokenDeployment()
    runner = ConsumerRunner(service="collections", pool=pg_pool, schema=schema,
                            projections=[projection], topics=topics, bootstrap=kafka_bootstrap,
                            group_id=f"{topics.prefix}group", batch_size=100)
    await runner.install()
    task = asyncio.create_task(runner.run())
    try:
        async def assigned() -> bool:  # the group settled: the test is about halting, not joining
            consumer = runner._consumer
            return bool(consumer is not None and consumer.assignment())
        await eventually(assigned, timeout=60)
        await publish(producer, topics.invoicing, [invoice("i-1", "10.00"), invoice("i-2", "5.00")])

        async def halted() -> str | None:
            return runner.halted
        assert "KeyError" in await eventually(halted, timeout=60)
        async with pg_pool.acquire() as conn:
            assert await stored_offsets(conn, schema) == {}
        assert runner.totals.dead_lettered == 0

        projection.fixed = True  # the fix is deployed

        async def applied() -> list[tuple[str, object, object, int]] | None:
            found = await rows(pg_pool, schema)
            return found if len(found) == 2 and runner.halted is None else None
        assert [r[0] for r in await eventually(applied, timeout=60)] == ["i-1", "i-2"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
