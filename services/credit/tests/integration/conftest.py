from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_credit.bootstrap import build_app
from ledgerline_credit.config import CreditSettings
from ledgerline_events.contract import Topics

from .credit_service import CreditUnderTest, MovableClock


@pytest.fixture
async def credit(
    topics: Topics, schema_prefix: str, kafka_bootstrap: str, pg_dsn: str,
    auth_headers: Callable[..., dict[str, str]],
) -> AsyncIterator[CreditUnderTest]:
    settings = CreditSettings(
        pg_dsn=pg_dsn, kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix,
        schema_prefix=schema_prefix, log_json=False, pg_pool_min=1, pg_pool_max=20,
        consumer_batch_size=100,
    )
    clock = MovableClock()
    app = build_app(settings, clock)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://credit",
            headers=auth_headers("sales-system", "finance"),
        ) as http:
            yield CreditUnderTest(app, http, settings, producer, clock)
    finally:
        await producer.stop()
