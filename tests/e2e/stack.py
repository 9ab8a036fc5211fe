"""The four services running in this process against the real Kafka broker and PostgreSQL
server, isolated by a topic and schema prefix, each behind an in-process HTTP client."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_events.contract import Envelope, Topics, encode
from ledgerline_events.runtime.auth import ROLES, mint_token
from ledgerline_ops.in_process import running_services


@dataclass
class Stack:
    topics: Topics
    apps: dict[str, FastAPI]
    http: dict[str, httpx.AsyncClient]
    producer: AIOKafkaProducer

    async def publish(self, topic: str, events: Sequence[Envelope]) -> None:
        """What an ERP does: put sales events on the inbound topic."""
        for e in events:
            await self.producer.send_and_wait(topic, value=encode(e), key=e.partition_key)

    async def call(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http[service].request(method, path, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()



def every_role() -> dict[str, str]:
    """The e2e clients act as one user with every role (the root conftest sets the secret)."""
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], "e2e", sorted(ROLES))
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running_stack(bootstrap: str, dsn: str, prefix: str) -> AsyncIterator[Stack]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        async with running_services(bootstrap, dsn, prefix, headers=every_role()) as services:
            yield Stack(services.topics, services.apps, services.clients, producer)
    finally:
        await producer.stop()
