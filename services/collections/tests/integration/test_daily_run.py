"""The scheduled day: promises settled as of the day, then dunning; with the review step the
day's letters are proposed and go out only once a collector approves them."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_collections.application.dunning_review import scheduled_day
from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import NOW, publish
from .events import invoice_issued
from .test_running_the_past import ISSUED, _open_items

pytestmark = pytest.mark.integration


def service_of(client: httpx.AsyncClient) -> FastAPI:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    return app


async def test_the_days_letters_wait_for_a_collectors_approval(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    await publish(producer, topics.invoicing,
                  [invoice_issued("r-1", "R1", "250.00", date(2026, 5, 1), ISSUED)])
    await eventually(lambda: _open_items(client, "R1"))
    collections = service_of(client).state.service

    done = await scheduled_day(collections, NOW.date(), NOW, review=True)
    assert done == {"promises_settled": 0, "letters_proposed": 1}
    again = await scheduled_day(collections, NOW.date(), NOW, review=True)
    assert again["letters_proposed"] == 1  # once per day: the same proposal

    async def proposed() -> list[dict[str, object]]:
        runs: list[dict[str, object]] = (await client.get("/dunning-runs/proposed")).json()
        return runs

    (run,) = await eventually(proposed)
    assert run["run_id"] == "run-2026-06-15"
    assert (await client.get("/customers/R1")).json()["dunning_history"] == []

    approved = await client.post(f"/dunning-runs/{run['run_id']}/approve",
                                 json={"approved_by": "cole"}, headers={"Idempotency-Key": "a1"})
    assert approved.status_code == 200, approved.text
    assert [r["customer_id"] for r in approved.json()["reminders"]] == ["R1"]
    twice = await client.post(f"/dunning-runs/{run['run_id']}/approve",
                              json={"approved_by": "cole"}, headers={"Idempotency-Key": "a2"})
    assert twice.status_code == 409 and twice.json()["rule"] == "run_already_approved"
    await eventually(lambda: _no_proposal(client))


async def _no_proposal(client: httpx.AsyncClient) -> bool:
    return (await client.get("/dunning-runs/proposed")).json() == []
