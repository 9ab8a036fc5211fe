"""Replay check: every projection rebuilt from offset zero equals the live one, table by table."""

from __future__ import annotations

import asyncio

import asyncpg

from ledgerline_cash.application.clearing import PENDING
from ledgerline_events.runtime import Runtime, rebuild
from ledgerline_events.runtime.postgres import ident

RUNTIME_TABLES = {"consumer_offset", "processed_event", "read_model_generation", "projection_version"}


async def table_rows(conn: asyncpg.Connection, schema: str, table: str) -> list[tuple[object, ...]]:
    rows = await conn.fetch(f"SELECT * FROM {ident(schema)}.{ident(table)}")
    return sorted((tuple(r) for r in rows), key=repr)


async def index_definitions(conn: asyncpg.Connection, schema: str) -> set[str]:
    rows = await conn.fetch("SELECT indexdef FROM pg_indexes WHERE schemaname = $1", schema)
    return {r["indexdef"].replace(f" ON {ident(schema)}.", " ON ").replace(f" ON {schema}.", " ON ")
            for r in rows}


async def replay_differences(runtime: Runtime, *, workers: int = 1) -> list[str]:
    """Rebuild the runtime's replayable projections into a scratch schema (with that many
    processes sharing the partitions) and list every table whose rows differ from the live
    read schema, and every index of the live schema the rebuilt one lacks (a rebuild builds
    its indexes at the end)."""
    assert runtime.pool is not None
    settings, live = runtime.settings, runtime.settings.read_schema
    scratch = f"{live}_check"
    await rebuild(pool=runtime.pool, bootstrap=settings.kafka_bootstrap,
                  projections=runtime.replay_projections, topics=settings.topics,
                  target_schema=scratch, workers=workers, dsn=settings.pg_dsn)
    differences = []
    async with runtime.pool.acquire() as conn:
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", scratch)
        for name in sorted({t["table_name"] for t in tables} - RUNTIME_TABLES):
            live_rows, rebuilt_rows = (await table_rows(conn, live, name),
                                       await table_rows(conn, scratch, name))
            if live_rows != rebuilt_rows:
                only_live = [r for r in live_rows if r not in rebuilt_rows][:3]
                only_rebuilt = [r for r in rebuilt_rows if r not in live_rows][:3]
                differences.append(f"{settings.service_name}.{name}: live only {only_live}, "
                                   f"rebuilt only {only_rebuilt}")
        missing = await index_definitions(conn, live) - await index_definitions(conn, scratch)
        differences += [f"{settings.service_name}: index missing after rebuild: {d}" for d in missing]
        await conn.execute(f"DROP SCHEMA {ident(scratch)} CASCADE")
    return differences


async def quiescent(runtimes: list[Runtime]) -> bool:
    """Nothing left to publish, to consume or to clear, twice half a second apart: the log has
    stopped moving (a consumer in a rebalance has nothing assigned: not caught up; a document
    cash application's clearing has yet to decide is decided by its sweep, every 2 s)."""
    for attempt in range(2):
        if attempt:
            await asyncio.sleep(0.5)
        for runtime in runtimes:
            assert runtime.pool is not None and runtime.runner is not None
            schema = ident(runtime.settings.write_schema)
            if await runtime.pool.fetchval(f"SELECT count(*) FROM {schema}.outbox"):
                return False
            if not runtime.runner.caught_up():
                return False
            if runtime.settings.service_name == "cash-application" and await runtime.pool.fetchval(
                    f"SELECT count(*) FROM ({PENDING.format(r=ident(runtime.settings.read_schema))}) p"):
                return False
    return True
