"""A command's events are published at once: by a NOTIFY to whichever instance runs the relay,
or, when it runs in the command's own process, by waking it directly."""

import asyncio

import asyncpg
import pytest

from ledgerline_events.contract import Topics
from ledgerline_events.runtime import EventStore, OutboxRelay
from ledgerline_events.testing import eventually

from ..sample import T0, invoice

pytestmark = pytest.mark.integration

SLEEPY = 60.0  # the relay's own poll: far longer than the test waits


async def test_the_relay_of_the_commands_process_is_woken_without_a_notify(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
) -> None:
    store, relay = await _store_and_relay(pg_pool, schema_prefix, topics, kafka_bootstrap)
    store.wake_local_relay = relay.wake
    notified: list[str] = []
    await _published_after_a_command(store, relay, notified)
    assert notified == []


async def test_a_relay_in_another_process_is_woken_by_a_notify(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
) -> None:
    store, relay = await _store_and_relay(pg_pool, schema_prefix, topics, kafka_bootstrap)
    notified: list[str] = []
    await _published_after_a_command(store, relay, notified)
    assert notified == [store.notify_channel]


async def _store_and_relay(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
) -> tuple[EventStore, OutboxRelay]:
    store = EventStore(pg_pool, f"{schema_prefix}invoicing", producer="invoicing")
    await store.install()
    relay = OutboxRelay(pg_pool, store.schema, topics.invoicing, kafka_bootstrap,
                        idle_poll_s=SLEEPY)
    return store, relay


async def _published_after_a_command(
    store: EventStore, relay: OutboxRelay, notified: list[str]
) -> None:
    listener = await store.pool.acquire()
    def heard(_conn: object, _pid: int, channel: str, _payload: object) -> None:
        notified.append(channel)

    await listener.add_listener(store.notify_channel, heard)
    task = asyncio.create_task(relay.run())
    try:
        await eventually(lambda: _true_if(relay.active), timeout=15)
        await asyncio.sleep(0.2)  # the relay has drained the empty outbox and sleeps
        async with store.unit_of_work() as uow:
            await uow.append("inv-woken", 0, [invoice("inv-woken", "10.00").payload],
                             customer_id="C-1", occurred_at=T0)
        await eventually(lambda: _true_if(relay.published == 1), timeout=5)
        await asyncio.sleep(0.2)  # a NOTIFY, if one was sent, has arrived by now
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await listener.remove_listener(store.notify_channel, heard)
        await store.pool.release(listener)


async def _true_if(value: bool) -> bool:
    return value
