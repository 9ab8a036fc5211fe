from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually
from ledgerline_invoicing.api.app import create_app
from ledgerline_invoicing.config import InvoicingSettings

from .invoicing_service import SECRET, Service, token


async def _settled_in(app: FastAPI) -> bool:
    """Both consumers hold their partitions and the relay publishes. Stopping a consumer while
    it is still joining its group can hang the runtime's shutdown, so tests start from here."""
    runtime = app.state.runtime
    runners = [runtime.runner, *(intake.runner for intake in runtime.intakes)]
    consumers = [getattr(r, "_consumer", None) for r in runners]
    assigned = all(c is not None and c.assignment() for c in consumers)
    return assigned and bool(app.state.runtime.relay.active)


@pytest.fixture
async def service(
    topics: Topics, schema_prefix: str, kafka_bootstrap: str, pg_dsn: str
) -> AsyncIterator[Service]:
    settings = InvoicingSettings(
        pg_dsn=pg_dsn, kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix,
        schema_prefix=schema_prefix, log_json=False, pg_pool_min=1, consumer_batch_size=100,
        auth_jwt_secret=SECRET,
    )
    app = create_app(settings)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://invoicing",
            headers={"Authorization": f"Bearer {token('finance')}"},
        ) as http:
            await eventually(lambda: _settled_in(app))
            yield Service(app, http, settings, producer)
    finally:
        await producer.stop()
