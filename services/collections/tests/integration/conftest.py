from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_collections.bootstrap import build_app
from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract import Envelope, Topics, encode

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await p.start()
    yield p
    await p.stop()


async def publish(producer: AIOKafkaProducer, topic: str, events: Sequence[Envelope]) -> None:
    for e in events:
        await producer.send_and_wait(topic, value=encode(e), key=e.partition_key)



class MovableClock:
    """The service's clock, which a test may move on (time passing between two steps)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def settings(
    topics: Topics, schema_prefix: str, pg_dsn: str, kafka_bootstrap: str
) -> CollectionsSettings:
    return CollectionsSettings(
        pg_dsn=pg_dsn, kafka_bootstrap=kafka_bootstrap, topic_prefix=topics.prefix,
        schema_prefix=schema_prefix, pg_pool_min=1, log_json=False,
        dunning_schedule_enabled=False,
    )


@pytest.fixture
async def client(
    settings: CollectionsSettings, auth_headers: Callable[..., dict[str, str]],
    clock: MovableClock,
) -> AsyncIterator[httpx.AsyncClient]:
    """The service in-process (API, relay and consumer), with its clock at NOW (unless the
    test moves it), called by a user with every role."""
    app = build_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://collections",
                                     headers=auth_headers()) as c:
            yield c
