"""The four services running in one process against the real Kafka broker and PostgreSQL
server, isolated by a topic and schema prefix, each behind an in-process HTTP client. Used by
the cross-service tests and the simulator's tests; nothing here is a fake."""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator, Collection, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from ledgerline_events.contract import Topics

APPS = {
    "invoicing": "ledgerline_invoicing.api.app",
    "cash-application": "ledgerline_cash.api.app",
    "collections": "ledgerline_collections.api.app",
    "credit": "ledgerline_credit.api.app",
}


@dataclass
class InProcessServices:
    topics: Topics
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]
    env: dict[str, str]  # what a CLI run against the same services needs


def service_environment(bootstrap: str, dsn: str, prefix: str) -> dict[str, str]:
    return {
        "LEDGERLINE_KAFKA_BOOTSTRAP": bootstrap, "LEDGERLINE_PG_DSN": dsn,
        "LEDGERLINE_TOPIC_PREFIX": f"{prefix}.", "LEDGERLINE_SCHEMA_PREFIX": f"{prefix}_",
        "LEDGERLINE_LOG_JSON": "false", "LEDGERLINE_LOG_LEVEL": "WARNING",
    }


@contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """`env` set in os.environ for the block, the previous values restored after it."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _create_apps(env: Mapping[str, str], only: Collection[str]) -> dict[str, FastAPI]:
    # The services read their settings from the environment when their app is built.
    with environment(env):
        return {name: importlib.import_module(path).create_app() for name, path in APPS.items()
                if name in only}


@asynccontextmanager
async def running_services(
    bootstrap: str, dsn: str, prefix: str, *, headers: Mapping[str, str] | None = None,
    only: Collection[str] = tuple(APPS),
) -> AsyncIterator[InProcessServices]:
    """Start the four apps (or `only` those: a benchmark of one service's work), relays and
    consumers included, and stop them on exit."""
    env = service_environment(bootstrap, dsn, prefix)
    apps = _create_apps(env, only)
    async with AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", timeout=60,
                headers=dict(headers or {})))
        _ask_each_other_in_process(apps, clients)
        yield InProcessServices(Topics(prefix=f"{prefix}."), apps, clients, env)


def _ask_each_other_in_process(apps: dict[str, FastAPI], clients: dict[str, httpx.AsyncClient]
                               ) -> None:
    """The two synchronous questions between services go to the in-process apps, as they go
    over the network in a deployment: invoice copies (collections asks invoicing) and the
    interest a statement shows (invoicing asks collections)."""
    for asking, asked, attribute in (("collections", "invoicing", "invoice_documents"),
                                     ("invoicing", "collections", "accrued_interest")):
        if asking not in apps or asked not in apps:
            continue
        caller = getattr(apps[asking].state.service, attribute)
        if caller is not None:
            caller.base_url, caller.client = f"http://{asked}", clients[asked]
