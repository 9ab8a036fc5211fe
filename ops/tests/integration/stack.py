"""The four services running in this process against the real Kafka broker and PostgreSQL
server, isolated by a topic and schema prefix, each behind an in-process HTTP client
(adapted from tests/e2e/stack.py)."""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.auth import mint_token
from ledgerline_ops.simulation import Services, kafka_publisher

APPS = {
    "invoicing": "ledgerline_invoicing.api.app",
    "cash-application": "ledgerline_cash.api.app",
    "collections": "ledgerline_collections.api.app",
    "credit": "ledgerline_credit.api.app",
}


@dataclass
class Stack:
    topics: Topics
    apps: dict[str, FastAPI]
    services: Services
    env: dict[str, str]


@asynccontextmanager
async def running_stack(bootstrap: str, dsn: str, prefix: str) -> AsyncIterator[Stack]:
    env = {
        "LEDGERLINE_KAFKA_BOOTSTRAP": bootstrap, "LEDGERLINE_PG_DSN": dsn,
        "LEDGERLINE_TOPIC_PREFIX": f"{prefix}.", "LEDGERLINE_SCHEMA_PREFIX": f"{prefix}_",
        "LEDGERLINE_LOG_JSON": "false", "LEDGERLINE_LOG_LEVEL": "WARNING",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        apps = {name: importlib.import_module(path).create_app() for name, path in APPS.items()}
    finally:
        _restore(saved)
    topics = Topics(prefix=f"{prefix}.")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    async with AsyncExitStack() as stack:
        await producer.start()
        stack.push_async_callback(producer.stop)
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", timeout=60,
                headers=bearer("ops-test", "admin")))
        services = Services(clients["credit"], clients["invoicing"], clients["cash-application"],
                            clients["collections"], kafka_publisher(producer, topics))
        yield Stack(topics, apps, services, env)


def bearer(sub: str, *roles: str) -> dict[str, str]:
    """A token signed with the test session's secret (set by the root conftest)."""
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], sub, roles)
    return {"Authorization": f"Bearer {token}"}


def _restore(saved: dict[str, str | None]) -> None:
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v

