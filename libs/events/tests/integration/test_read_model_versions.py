"""Read tables are rebuilt from the log, never migrated in place: a service started with a
projection of a new version rebuilds its read schema before its consumer goes on, reports not
ready meanwhile, and ends with the same figures and the new version recorded."""

import asyncio
from typing import ClassVar

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.runtime import Projection, Runtime, ServiceSettings
from ledgerline_events.runtime.read_model_versions import outdated, recorded

from ..sample import InvoiceOpenAmounts, allocation, invoice
from .conftest import publish, rows

pytestmark = pytest.mark.integration


class LedgerSettings(ServiceSettings):
    service_name: ClassVar[str] = "collections"


class OpenAmountsV2(InvoiceOpenAmounts):
    version = 2


async def run_until_caught_up(settings: LedgerSettings, projection: Projection) -> list[bool]:
    """Start the runtime, wait for its consumer to reach the end of the log; the readiness
    seen on the way (False while a rebuild runs)."""
    runtime = Runtime(settings, [projection])
    await runtime.start()
    ready: list[bool] = []
    try:
        async with asyncio.timeout(120):
            while not (runtime.runner and runtime.runner.caught_up()):
                checks = await runtime.readiness()
                ready.append(bool(checks.get("consumer")))
                await asyncio.sleep(0.2)
    finally:
        await runtime.stop()
    return ready


async def test_a_new_projection_version_rebuilds_the_read_schema_at_start(
    pg_pool: asyncpg.Pool, pg_dsn: str, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    producer: AIOKafkaProducer,
) -> None:
    await publish(producer, topics.invoicing, [invoice(f"i-{n}", "100.00") for n in range(1, 21)])
    await publish(producer, topics.cash_application,
                  [allocation(f"a-{n}", f"i-{n}", "40.00") for n in range(1, 11)])
    settings = LedgerSettings(pg_dsn=pg_dsn, kafka_bootstrap=kafka_bootstrap,
                              topic_prefix=topics.prefix, schema_prefix=schema_prefix,
                              log_json=False, auth_jwt_secret="x" * 32)
    read = settings.read_schema

    await run_until_caught_up(settings, InvoiceOpenAmounts())
    before = await rows(pg_pool, read)
    async with pg_pool.acquire() as conn:
        assert await recorded(conn, read) == {"invoice_open_amounts": 1}
        assert await outdated(conn, read, [OpenAmountsV2()]) == ["invoice_open_amounts"]

    ready = await run_until_caught_up(settings, OpenAmountsV2())
    assert len(before) == 20 and await rows(pg_pool, read) == before
    assert ready and not ready[0]  # not ready while the read schema was rebuilt
    async with pg_pool.acquire() as conn:
        assert await recorded(conn, read) == {"invoice_open_amounts": 2}
        assert await outdated(conn, read, [OpenAmountsV2()]) == []
