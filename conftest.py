"""Fixtures shared by every test: the real Kafka broker and PostgreSQL server started by
`make test` (deploy/local/*.sh), with a fresh topic prefix and schema names per test, and
bearer tokens signed with a secret made for this test session."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.auth import ROLES, mint_token
from ledgerline_events.runtime.topics_admin import delete_topics, topic_names
from ledgerline_ops.in_process import running_services

KAFKA = os.environ.get("LEDGERLINE_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
PG_DSN = os.environ.get("LEDGERLINE_PG_DSN", "postgresql://postgres@127.0.0.1:15432/ledgerline")
# Services built by tests (in-process or as processes) read the secret from the environment.
AUTH_SECRET = os.environ.setdefault("LEDGERLINE_AUTH_JWT_SECRET", secrets.token_urlsafe(32))
# Two partitions per topic in tests, still more than one: the suite's hundreds of topics at
# the deployment's six overloaded the single test broker (set before the runtime is imported).
os.environ.setdefault("LEDGERLINE_KAFKA_PARTITIONS", "2")
Token = Callable[..., str]
AuthHeaders = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def auth_secret() -> str:
    """The secret every service of this test session checks bearer tokens with."""
    return AUTH_SECRET


@pytest.fixture(scope="session")
def token(auth_secret: str) -> Token:
    """`token("finance", sub="fay", approval_limit="500.00")`: a signed bearer token; no
    roles given means all of them."""

    def make(*roles: str, sub: str = "test-user", **claims: Any) -> str:
        return mint_token(auth_secret, sub, roles or sorted(ROLES), **claims)

    return make


@pytest.fixture(scope="session")
def auth_headers(token: Token) -> AuthHeaders:
    """`auth_headers("collector")`: an Authorization header (no roles: all of them)."""

    def make(*roles: str, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(*roles, **claims)}"}

    return make


def _reachable(hostport: str) -> bool:
    host, port = hostport.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


# Topics of the deployment itself (unprefixed) and the broker's own: never a test's to delete.
NOT_THROWAWAY = ("__", "ledgerline.", "erp.")


@pytest.fixture(scope="session", autouse=True)
def throwaway_topics() -> Iterator[None]:
    """Deletes the topics this session created (every test makes its own prefix): left to
    pile up, thousands of partitions slowed the broker's start past its readiness wait."""
    if not _reachable(KAFKA):
        yield  # unit tests only
        return
    before = asyncio.run(topic_names(KAFKA))
    yield
    created = asyncio.run(topic_names(KAFKA)) - before
    asyncio.run(delete_topics(KAFKA, [n for n in created if not n.startswith(NOT_THROWAWAY)]))


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    if not _reachable(KAFKA):
        pytest.fail(f"Kafka is not reachable at {KAFKA}: run `make infra` (or `make test`)")
    return KAFKA


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    host = PG_DSN.split("@", 1)[1].split("/", 1)[0]
    if not _reachable(host):
        pytest.fail(f"PostgreSQL is not reachable at {host}: run `make infra` (or `make test`)")
    return PG_DSN


@pytest.fixture
def unique_id() -> str:
    return uuid.uuid4().hex[:10]


async def delete_topics_of(prefix: str) -> None:
    """Deletes a finished test's topics at once: left until the session ends, a suite's tens
    of thousands of partitions overloaded the single broker's controller until it fenced
    itself."""
    if _reachable(KAFKA):
        names = await topic_names(KAFKA)
        await delete_topics(KAFKA, [n for n in names if n.startswith(prefix)])


@pytest.fixture
async def topics(unique_id: str) -> AsyncIterator[Topics]:
    """Topic names no other test uses, so tests can run in any order."""
    prefix = f"test-{unique_id}."
    yield Topics(prefix=prefix)
    await delete_topics_of(prefix)


@pytest.fixture
async def pg_pool(pg_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(pg_dsn, min_size=1, max_size=10)
    assert pool is not None
    yield pool
    await pool.close()


@pytest.fixture
async def schema_prefix(pg_pool: asyncpg.Pool, unique_id: str) -> AsyncIterator[str]:
    """A prefix for the schemas a test creates; they are dropped afterwards."""
    prefix = f"t_{unique_id}_"
    yield prefix
    async with pg_pool.acquire() as conn:
        names = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", prefix + "%"
        )
        for row in names:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{row["nspname"]}" CASCADE')


# The four services in-process on the real Kafka and PostgreSQL, once per module, with HTTP
# clients that send no credentials (each test chooses its caller): tests/access, tests/bad_input.
@dataclass
class InProcess:
    topics: Topics
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]


@pytest.fixture(scope="module")
async def in_process(kafka_bootstrap: str, pg_dsn: str) -> AsyncIterator[InProcess]:
    prefix = f"t_inproc_{uuid.uuid4().hex[:8]}"
    async with running_services(kafka_bootstrap, pg_dsn, prefix) as running:
        yield InProcess(running.topics, running.apps, running.clients)
    await delete_topics_of(running.topics.prefix)
    conn = await asyncpg.connect(pg_dsn)
    try:
        for row in await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
                                    f"{prefix}_%"):
            await conn.execute(f'DROP SCHEMA IF EXISTS "{row["nspname"]}" CASCADE')
    finally:
        await conn.close()
