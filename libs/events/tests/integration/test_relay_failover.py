"""Two relays for one outbox: one publishes, the other stands by and takes over when it stops."""

import asyncio

import asyncpg
import pytest

from ledgerline_events.contract import Topics
from ledgerline_events.runtime import EventStore, OutboxRelay, create_pool
from ledgerline_events.testing import eventually

from ..sample import invoice

pytestmark = pytest.mark.integration


async def test_a_stopped_relay_hands_over_to_the_one_standing_by(
    pg_dsn: str, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
) -> None:
    pool = await create_pool(pg_dsn)  # the services' pool, as it resets released connections
    try:
        await _hand_over(pool, schema_prefix, topics, kafka_bootstrap)
    finally:
        await pool.close()


async def _hand_over(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str
) -> None:
    store = EventStore(pg_pool, f"{schema_prefix}invoicing", producer="invoicing")
    await store.install()
    first, second = (OutboxRelay(pg_pool, store.schema, topics.invoicing, kafka_bootstrap)
                     for _ in range(2))
    first_task = asyncio.create_task(first.run())
    await eventually(lambda: _true_if(first.active))
    second_task = asyncio.create_task(second.run())
    try:
        await eventually(lambda: _true_if(second.standby))
        first_task.cancel()  # it gives up the relay lock as it stops
        await asyncio.gather(first_task, return_exceptions=True)
        await eventually(lambda: _true_if(second.active), timeout=15)
        async with store.unit_of_work() as uow:
            await uow.write([invoice("inv-after-handover", "10.00")])
        await eventually(lambda: _true_if(second.published >= 1), timeout=15)
    finally:
        second_task.cancel()
        await asyncio.gather(second_task, return_exceptions=True)


async def _true_if(value: bool) -> bool:
    return value
