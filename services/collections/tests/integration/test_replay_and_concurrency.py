"""Replay gives the same ageing (now and as of T); concurrent write-offs of one invoice can
never together exceed what is open."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_collections.config import CollectionsSettings
from ledgerline_collections.projections.activity import CollectionsActivity
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_events.contract import Topics
from ledgerline_events.runtime import create_pool, rebuild, swap
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import allocated, invoice_issued

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 1, tzinfo=UTC)


async def ageing(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/ageing", params=params)).json()
    return body


async def test_a_rebuilt_projection_reports_the_same_ageing(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
    settings: CollectionsSettings,
) -> None:
    await publish(producer, topics.cash_application, [
        allocated("a-1", "r-1", "C1", "250.00", datetime(2026, 4, 20, tzinfo=UTC)),
        allocated("a-2", "r-2", "C2", "75.00", datetime(2026, 6, 2, tzinfo=UTC)),
    ])
    await publish(producer, topics.invoicing, [
        invoice_issued("r-1", "C1", "1000.00", date(2026, 4, 1), AT),
        invoice_issued("r-2", "C2", "300.00", date(2026, 5, 1), AT),
        invoice_issued("r-3", "C2", "90.00", date(2026, 3, 20), AT, "CHF"),
    ])

    async def arrived() -> bool:
        eur = (await ageing(client))["currencies"].get("EUR", {})
        return eur.get("total") == "975.00"

    await eventually(arrived)
    await eventually(lambda: _has_chf(client))
    now, as_of = await ageing(client), await ageing(client, as_of="2026-05-31")

    pool = await create_pool(settings.pg_dsn, min_size=1, max_size=2)
    try:
        target = f"{settings.read_schema}_rebuild"
        await rebuild(pool=pool, bootstrap=settings.kafka_bootstrap,
                      projections=[Receivables(), CollectionsActivity()], topics=topics,
                      target_schema=target)
        await swap(pool, settings.read_schema, target)
    finally:
        await pool.close()
    assert await ageing(client) == now
    assert await ageing(client, as_of="2026-05-31") == as_of
    assert as_of["currencies"]["EUR"]["total"] == "1050.00"  # the June payment is later


async def _has_chf(client: httpx.AsyncClient) -> bool:
    return "CHF" in (await ageing(client))["currencies"]


async def test_concurrent_write_offs_never_exceed_the_open_amount(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    await publish(producer, topics.invoicing, [
        invoice_issued("w-1", "C7", "500.00", date(2026, 4, 1), AT),
    ])

    async def known() -> bool:
        return (await client.get("/customers/C7")).status_code == 200

    await eventually(known)
    body = {"amount": {"amount": "300.00", "currency": "EUR"}, "reason": "bankrupt",
            "approver": "cfo"}
    answers = await asyncio.gather(*[
        client.post("/invoices/w-1/write-offs", json=body, headers={"Idempotency-Key": f"k{i}"})
        for i in range(2)
    ])
    assert sorted(a.status_code for a in answers) == [201, 409]
