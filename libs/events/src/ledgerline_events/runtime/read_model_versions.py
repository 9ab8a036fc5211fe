"""Read tables are never migrated in place: they are a function of the log, so when their shape
changes they are rebuilt from it. A projection says its version (class attribute `version`,
default 1); a read schema records the versions its tables were built with, once, when it is
created empty. A schema that has read events and was built by other versions (or before a
projection existed) is outdated, and the host rebuilds it before its consumer goes on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from .postgres import ident

if TYPE_CHECKING:
    from .projection import Projection


def version_of(projection: Projection) -> int:
    return int(getattr(projection, "version", 1))


async def has_read_events(conn: asyncpg.Connection, schema: str) -> bool:
    table = f"{ident(schema)}.consumer_offset"
    if await conn.fetchval("SELECT to_regclass($1)", table) is None:
        return False
    return bool(await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"))


async def recorded(conn: asyncpg.Connection, schema: str) -> dict[str, int]:
    table = f"{ident(schema)}.projection_version"
    if await conn.fetchval("SELECT to_regclass($1)", table) is None:
        return {}
    return {r["name"]: r["version"] for r in await conn.fetch(f"SELECT name, version FROM {table}")}


async def outdated(conn: asyncpg.Connection, schema: str,
                   projections: Sequence[Projection]) -> list[str]:
    """The projections whose tables in `schema` another version built, or that the schema has
    no record of; none in a schema never installed."""
    versions = await recorded(conn, schema)
    if not versions and not await has_read_events(conn, schema):
        return []
    return [p.name for p in projections if versions.get(p.name) != version_of(p)]


async def record(conn: asyncpg.Connection, schema: str, projections: Sequence[Projection]
                 ) -> None:
    """Called as the schema's tables are installed: the versions are written into a new
    schema only, so an outdated one stays outdated until it is rebuilt."""
    new = not await recorded(conn, schema) and not await has_read_events(conn, schema)
    await conn.execute(f"""
        CREATE TABLE IF NOT EXISTS {ident(schema)}.projection_version (
            name text PRIMARY KEY, version int NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now())""")
    if new:
        await conn.executemany(
            f"INSERT INTO {ident(schema)}.projection_version (name, version) VALUES ($1, $2) "
            "ON CONFLICT (name) DO NOTHING",
            [(p.name, version_of(p)) for p in projections])
