"""Versioned migrations of a service's write schema (the event store and the service's own
tables): each applied once, in order, in its own transaction with its record, under one lock
so processes starting together never run one twice. A change of shape is a new migration,
never an edit of an old one. Read tables are rebuilt from the log instead
(read_model_versions)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg
import structlog

from .postgres import ident

log = structlog.get_logger("ledgerline.migrations")

Apply = Callable[[asyncpg.Connection, str], Awaitable[None]]  # (conn, schema)


@dataclass(frozen=True)
class Migration:
    """`owner` numbers its own migrations from 1: the runtime's event store, or a service."""

    owner: str
    version: int
    name: str
    apply: Apply


async def applied(conn: asyncpg.Connection, schema: str) -> set[tuple[str, int]]:
    table = f"{ident(schema)}.schema_migration"
    if await conn.fetchval("SELECT to_regclass($1)", table) is None:
        return set()
    return {(r["owner"], r["version"]) for r in await conn.fetch(f"SELECT owner, version FROM {table}")}


async def migrate(pool: asyncpg.Pool, schema: str, migrations: Sequence[Migration]
                  ) -> list[Migration]:
    """Apply what `schema` has not had yet; returns what was applied."""
    check_order(migrations)
    s = ident(schema)
    done: list[Migration] = []
    async with pool.acquire() as conn:
        key = await conn.fetchval("SELECT hashtextextended($1, 0)", f"migrate:{schema}")
        await conn.execute("SELECT pg_advisory_lock($1)", key)
        try:
            await conn.execute(f"""
                CREATE SCHEMA IF NOT EXISTS {s};
                CREATE TABLE IF NOT EXISTS {s}.schema_migration (
                    owner text NOT NULL, version int NOT NULL, name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (owner, version))""")
            seen = await applied(conn, schema)
            for migration in migrations:
                if (migration.owner, migration.version) in seen:
                    continue
                async with conn.transaction():
                    await migration.apply(conn, schema)
                    await conn.execute(
                        f"INSERT INTO {s}.schema_migration (owner, version, name) "
                        "VALUES ($1, $2, $3)", migration.owner, migration.version, migration.name)
                log.info("migration.applied", schema=schema, owner=migration.owner,
                         version=migration.version, name=migration.name)
                done.append(migration)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)
    return done


def check_order(migrations: Sequence[Migration]) -> None:
    """Each owner's versions are 1, 2, 3... in the order given: a gap or a repeat is a bug."""
    last: dict[str, int] = {}
    for m in migrations:
        expected = last.get(m.owner, 0) + 1
        if m.version != expected:
            raise ValueError(f"migration {m.owner} {m.version} ({m.name}): expected version "
                             f"{expected}")
        last[m.owner] = m.version
