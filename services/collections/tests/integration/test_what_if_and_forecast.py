"""Read-only questions over the real history: a dunning what-if with the live ladder gives the
live letters, another ladder differs, and neither changes a row of the read model; the cash
forecast expects the open invoices from their customers' habits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import allocated, invoice_issued
from .test_dunning_run import invoices_known

pytestmark = pytest.mark.integration


async def read_model_digest(pool: asyncpg.Pool, schema: str) -> dict[str, str]:
    """Every table of the read schema, as a digest of its rows."""
    async with pool.acquire() as conn:
        tables = [r[0] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)]
        return {t: await conn.fetchval(
            f'SELECT md5(coalesce(string_agg(x::text, \'|\' ORDER BY x::text), \'\')) '
            f'FROM "{schema}"."{t}" x') for t in tables}


async def what_if(client: httpx.AsyncClient, ladder: list[int]) -> dict[str, Any]:
    answer = await client.get("/dunning-what-if", params=[
        ("from", "2026-05-01"), ("to", "2026-06-15"), *[("days_after_due", d) for d in ladder]])
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_what_if_replays_the_live_ladder_exactly_and_writes_nothing(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
    settings: CollectionsSettings, pg_pool: asyncpg.Pool,
) -> None:
    at = datetime(2026, 4, 1, tzinfo=UTC)
    await publish(producer, topics.invoicing, [
        invoice_issued("wi-1", "WI-A", "500.00", date(2026, 4, 20), at),
        invoice_issued("wi-2", "WI-B", "800.00", date(2026, 5, 5), at)])
    await eventually(lambda: invoices_known(client, "1300.00"))
    for run_date in ("2026-05-04", "2026-05-18", "2026-06-01", "2026-06-15"):
        run = await client.post("/dunning-runs", json={"run_date": run_date})
        assert run.status_code == 200, run.text

    async def letters_projected() -> bool:  # A: 4 levels, B: 3 (due later)
        return (await what_if(client, [7, 21, 35, 50]))["live"]["letters"] == 7
    await eventually(letters_projected)
    before = await read_model_digest(pg_pool, settings.read_schema)
    same = await what_if(client, [7, 21, 35, 50])
    assert same["what_if"] == same["live"] and same["run_days"] == 4
    slower = await what_if(client, [20, 40, 60, 80])
    assert slower["what_if"]["letters"] < slower["live"]["letters"]
    assert await read_model_digest(pg_pool, settings.read_schema) == before


async def test_the_forecast_expects_open_invoices_from_their_customers_habits(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
) -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    await publish(producer, topics.invoicing, [
        invoice_issued("fc-paid", "FC-A", "300.00", date(2026, 3, 31), at),
        invoice_issued("fc-open", "FC-A", "400.00", date(2026, 6, 20), at)])
    await publish(producer, topics.cash_application, [allocated(  # paid 10 days late
        "fc-a1", "fc-paid", "FC-A", "300.00", datetime(2026, 4, 10, 9, tzinfo=UTC))])

    async def expected() -> dict[str, Any] | None:
        body = (await client.get("/cash-forecast", params={"as_of": "2026-06-15"})).json()
        return body if body.get("customers_days_late", {}).get("FC-A") == 10 else None
    forecast = await eventually(expected)
    weeks = forecast["weekly"]["EUR"]  # due 20 June + 10 days: the week from 29 June
    assert [w["week_from"] for w in weeks if w["amount"] != "0"] == ["2026-06-29"]
