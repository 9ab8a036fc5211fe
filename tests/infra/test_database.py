"""Smoke tests of the real PostgreSQL server: it answers, is version 15 or newer, and a
service can own a schema (create, use, drop)."""

from __future__ import annotations

import asyncpg
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(30)]


async def test_server_answers_and_is_version_15_or_newer(pg_pool: asyncpg.Pool) -> None:
    async with pg_pool.acquire() as conn:
        assert await conn.fetchval("SELECT 1") == 1
        version = int(await conn.fetchval("SHOW server_version_num"))
    assert version >= 150000, f"PostgreSQL 15+ required, server is {version}"


async def test_a_schema_can_be_created_used_and_dropped(pg_pool: asyncpg.Pool, schema_prefix: str) -> None:
    schema = f"{schema_prefix}smoke"
    async with pg_pool.acquire() as conn:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.execute(f'CREATE TABLE "{schema}".item (id int PRIMARY KEY, note text)')
        async with conn.transaction():
            await conn.execute(f'INSERT INTO "{schema}".item VALUES (1, $1)', "kept")
        assert await conn.fetchval(f'SELECT note FROM "{schema}".item WHERE id = 1') == "kept"

        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        exists = await conn.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema)
    assert exists == 0
