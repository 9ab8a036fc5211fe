"""Cross-service fixtures: the four services in-process on the real Kafka and PostgreSQL,
once per module, with HTTP clients that send no credentials (each test chooses its caller)."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from ledgerline_events.contract import Topics

APPS = {
    "credit": "ledgerline_credit.api.app",
    "invoicing": "ledgerline_invoicing.api.app",
    "cash-application": "ledgerline_cash.api.app",
    "collections": "ledgerline_collections.api.app",
}


@dataclass
class InProcess:
    topics: Topics
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]


@pytest.fixture(scope="module")
async def in_process(kafka_bootstrap: str, pg_dsn: str) -> AsyncIterator[InProcess]:
    prefix = f"t_inproc_{uuid.uuid4().hex[:8]}"
    env = {"LEDGERLINE_KAFKA_BOOTSTRAP": kafka_bootstrap, "LEDGERLINE_PG_DSN": pg_dsn,
           "LEDGERLINE_TOPIC_PREFIX": f"{prefix}.", "LEDGERLINE_SCHEMA_PREFIX": f"{prefix}_",
           "LEDGERLINE_LOG_JSON": "false", "LEDGERLINE_LOG_LEVEL": "WARNING"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        apps = {name: importlib.import_module(path).create_app() for name, path in APPS.items()}
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    async with AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{name}"))
        yield InProcess(Topics(prefix=f"{prefix}."), apps, clients)
    conn = await asyncpg.connect(pg_dsn)
    try:
        for row in await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
                                    f"{prefix}_%"):
            await conn.execute(f'DROP SCHEMA IF EXISTS "{row["nspname"]}" CASCADE')
    finally:
        await conn.close()
