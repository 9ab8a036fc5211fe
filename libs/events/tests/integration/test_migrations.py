"""A write schema is migrated once, in order, whoever starts first: each migration runs in its
own transaction with its record, and only what a schema has not had runs on the next start."""

import asyncio

import asyncpg
import pytest

from ledgerline_events.runtime import ident
from ledgerline_events.runtime.event_store import EVENT_STORE_MIGRATIONS
from ledgerline_events.runtime.migrations import Migration, applied, migrate

pytestmark = pytest.mark.integration


def add_column(name: str):  # type: ignore[no-untyped-def]
    async def apply(conn: asyncpg.Connection, schema: str) -> None:
        await conn.execute(f"ALTER TABLE {ident(schema)}.ledger_note ADD COLUMN {name} text")
    return apply


async def create_notes(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(f"CREATE TABLE {ident(schema)}.ledger_note (id int PRIMARY KEY)")


async def test_two_processes_starting_together_migrate_once(
    pg_pool: asyncpg.Pool, schema_prefix: str,
) -> None:
    schema = f"{schema_prefix}notes"
    first = [*EVENT_STORE_MIGRATIONS, Migration("notes", 1, "notes", create_notes)]
    done = await asyncio.gather(migrate(pg_pool, schema, first), migrate(pg_pool, schema, first))
    assert sorted(len(d) for d in done) == [0, 2]  # CREATE TABLE twice would have failed

    later = [*first, Migration("notes", 2, "author", add_column("author"))]
    assert [m.name for m in await migrate(pg_pool, schema, later)] == ["author"]
    assert await migrate(pg_pool, schema, later) == []
    async with pg_pool.acquire() as conn:
        assert await applied(conn, schema) == {("event_store", 1), ("notes", 1), ("notes", 2)}


async def test_a_failing_migration_leaves_no_trace_and_runs_again_next_time(
    pg_pool: asyncpg.Pool, schema_prefix: str,
) -> None:
    schema = f"{schema_prefix}broken"
    broken = [Migration("notes", 1, "notes", create_notes),
              Migration("notes", 2, "typo", add_column("bad name"))]
    with pytest.raises(asyncpg.PostgresSyntaxError):
        await migrate(pg_pool, schema, broken)
    async with pg_pool.acquire() as conn:
        assert await applied(conn, schema) == {("notes", 1)}
    fixed = [broken[0], Migration("notes", 2, "author", add_column("author"))]
    assert [m.name for m in await migrate(pg_pool, schema, fixed)] == ["author"]
