"""The four services running in this process against the real Kafka broker and PostgreSQL
server, isolated by a topic and schema prefix, each behind an in-process HTTP client
(adapted from tests/e2e/stack.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.auth import mint_token
from ledgerline_ops.in_process import running_services
from ledgerline_ops.simulation import Services, kafka_publisher


@dataclass
class Stack:
    topics: Topics
    apps: dict[str, FastAPI]
    services: Services
    env: dict[str, str]


@asynccontextmanager
async def running_stack(bootstrap: str, dsn: str, prefix: str) -> AsyncIterator[Stack]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        async with running_services(bootstrap, dsn, prefix,
                                    headers=bearer("ops-test", "admin")) as running:
            c = running.clients
            services = Services(c["credit"], c["invoicing"], c["cash-application"],
                                c["collections"], kafka_publisher(producer, running.topics))
            yield Stack(running.topics, running.apps, services, running.env)
    finally:
        await producer.stop()


def bearer(sub: str, *roles: str) -> dict[str, str]:
    """A token signed with the test session's secret (set by the root conftest)."""
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], sub, roles)
    return {"Authorization": f"Bearer {token}"}
