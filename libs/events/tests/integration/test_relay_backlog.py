"""The relay's poll reads the outbox's events by position, however stale the outbox's
statistics: after a backlog they still claim thousands of rows while a handful remain."""

import asyncpg
import pytest

from ledgerline_events.runtime import EventStore
from ledgerline_events.runtime.relay import pending_sql

from ..sample import invoice

pytestmark = pytest.mark.integration

BACKLOG = 5_000


async def test_the_relay_reads_a_drained_backlog_by_position_not_by_scanning_the_store(
    pg_pool: asyncpg.Pool, schema_prefix: str,
) -> None:
    store = EventStore(pg_pool, f"{schema_prefix}invoicing", producer="invoicing")
    await store.install()
    async with store.unit_of_work() as uow:
        await uow.write([invoice(f"inv-{i}", "10.00") for i in range(BACKLOG)])
    async with pg_pool.acquire() as conn:
        await _drain_all_but_the_last(conn, store.schema, 5)
        plan = await _generic_plan(conn, pending_sql(f'"{store.schema}"'))
    assert "Join" not in plan and "Seq Scan on event" not in plan, plan
    assert "Index Scan using event_pkey on event" in plan, plan


async def _drain_all_but_the_last(conn: asyncpg.Connection, schema: str, left: int) -> None:
    """Statistics taken mid-backlog, then the relay publishes nearly all of it."""
    await conn.execute(f'ANALYZE "{schema}".outbox; ANALYZE "{schema}".event')
    await conn.execute(
        f'DELETE FROM "{schema}".outbox WHERE position <= '
        f'(SELECT max(position) - $1 FROM "{schema}".outbox)', left,
    )


async def _generic_plan(conn: asyncpg.Connection, sql: str) -> str:
    """The plan a pooled connection settles on after a few polls (a prepared statement's)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute(f"PREPARE relay_poll(int) AS {sql}")
        lines = await conn.fetch("EXPLAIN EXECUTE relay_poll(1000)")
        await conn.execute("DEALLOCATE relay_poll")
    return "\n".join(r[0] for r in lines)
