"""PostgreSQL plumbing shared by the runtime: pools, schema names, one-at-a-time DDL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from decimal import Decimal

import asyncpg
import orjson
import structlog

log = structlog.get_logger("ledgerline.postgres")

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def unnest_columns(rows: Iterable[Sequence[object]], width: int) -> list[list[object]]:
    """Rows as one list per column, for a batch written by `unnest($1::type[], ...)`
    (empty lists if there are no rows)."""
    columns: list[list[object]] = [[] for _ in range(width)]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns


def ident(name: str) -> str:
    """A schema name checked and quoted for SQL (names come from settings, never from users)."""
    if not _IDENT.match(name):
        raise ValueError(f"invalid SQL identifier {name!r}")
    return f'"{name}"'


async def _init_connection(conn: asyncpg.Connection) -> None:
    for json_type in ("json", "jsonb"):
        await conn.set_type_codec(
            json_type, encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads,
            schema="pg_catalog",
        )
    # Numerics as text: exact both ways (Decimal <-> PostgreSQL's decimal string), and about
    # twice as fast as asyncpg's binary numeric codec, which splits digits in Python.
    await conn.set_type_codec("numeric", encoder=str, decoder=Decimal, schema="pg_catalog",
                              format="text")


async def create_pool(
    dsn: str, *, min_size: int = 2, max_size: int = 10, within_s: float = 60.0,
) -> asyncpg.Pool:
    """A pool, waiting up to `within_s` for a server that is still starting (or refusing
    connections while it recovers) instead of failing the service's start-up."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        try:
            pool = await asyncpg.create_pool(
                dsn, min_size=min_size, max_size=max_size, init=_init_connection,
                command_timeout=60,
            )
        except (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError) as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning("postgres.retry", reason=repr(exc))
            await asyncio.sleep(1.0)
        else:
            assert pool is not None
            return pool


async def install_once(
    pool: asyncpg.Pool, ddl: Callable[[asyncpg.Connection], Awaitable[None]]
) -> None:
    """Run DDL under an advisory lock: processes starting together race on CREATE IF NOT EXISTS."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('ledgerline.install'))")
        await ddl(conn)


async def set_search_path(conn: asyncpg.Connection, schema: str) -> None:
    """Projection SQL is unqualified; the read schema (live or rebuild) is chosen here."""
    await conn.execute(f"SET LOCAL search_path TO {ident(schema)}, public")
