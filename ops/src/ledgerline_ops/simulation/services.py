"""How the simulator reaches the company's systems: HTTP clients of the four services (base
URLs, or in-process ASGI clients in tests) and the ERP's publisher of sales events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Envelope, Topics, encode
from ledgerline_events.runtime import token_from_environment

Publish = Callable[[Sequence[Envelope]], Awaitable[None]]


class SimulationError(RuntimeError):
    """A service refused something the simulated company must be able to do."""


@dataclass
class Services:
    credit: httpx.AsyncClient
    invoicing: httpx.AsyncClient
    cash_application: httpx.AsyncClient
    collections: httpx.AsyncClient
    publish_sales: Publish

    def all(self) -> dict[str, httpx.AsyncClient]:
        return {"credit": self.credit, "invoicing": self.invoicing,
                "cash-application": self.cash_application, "collections": self.collections}


async def call(client: httpx.AsyncClient, method: str, path: str, *, ok: tuple[int, ...] = (),
               **kwargs: Any) -> httpx.Response:
    """One request; a 5xx or an unexpected 4xx stops the simulation (retries a 409 race)."""
    for attempt in range(5):
        response = await client.request(method, path, **kwargs)
        if response.status_code < 300 or response.status_code in ok:
            return response
        if response.status_code != 409 or attempt == 4:
            break
        await asyncio.sleep(0.1 * (attempt + 1))
    raise SimulationError(f"{method} {path}: {response.status_code} {response.text[:300]}")


def kafka_publisher(producer: AIOKafkaProducer, topics: Topics) -> Publish:
    async def publish(events: Sequence[Envelope]) -> None:
        for e in events:
            await producer.send(topics.sales_inbound, value=encode(e), key=e.partition_key)
        await producer.flush()
    return publish


@asynccontextmanager
async def http_services(
    *, credit: str, invoicing: str, cash_application: str, collections: str,
    kafka_bootstrap: str, topics: Topics, token: str | None = None,
) -> AsyncIterator[Services]:
    """Clients of services listening at these base URLs, and an ERP producer on Kafka.
    They send `token`; default LEDGERLINE_AUTH_TOKEN, else an admin token minted from
    LEDGERLINE_AUTH_JWT_SECRET (the simulator acts for sales, finance and collectors)."""
    token = token or token_from_environment("ledgerline-simulator", ["admin"])
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with AsyncExitStack() as stack:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True,
                                    acks="all")
        await producer.start()
        stack.push_async_callback(producer.stop)
        async def client(url: str) -> httpx.AsyncClient:
            return await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=60, headers=headers))
        yield Services(await client(credit), await client(invoicing),
                       await client(cash_application), await client(collections),
                       kafka_publisher(producer, topics))
