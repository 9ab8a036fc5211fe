"""From invoicing and cash-application events on Kafka to the ageing endpoint, now and as
of a past instant, whatever the arrival order."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import allocated, invoice_issued

pytestmark = pytest.mark.integration

ISSUED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def ageing(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    response = await client.get("/ageing", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_invoices_on_kafka_are_aged_into_buckets(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    # today is 2026-06-15 (the service clock)
    await publish(producer, topics.cash_application, [
        allocated("a-1", "inv-d", "C1", "100.00", datetime(2026, 6, 1, tzinfo=UTC)),  # early
    ])
    await publish(producer, topics.invoicing, [
        invoice_issued("inv-a", "C1", "100.00", date(2026, 6, 15), ISSUED_AT),  # due today
        invoice_issued("inv-b", "C1", "200.00", date(2026, 5, 16), ISSUED_AT),  # 30 days
        invoice_issued("inv-c", "C1", "300.00", date(2026, 5, 15), ISSUED_AT),  # 31 days
        invoice_issued("inv-d", "C1", "400.00", date(2026, 3, 16), ISSUED_AT),  # 91 days
        invoice_issued("inv-e", "C2", "50.00", date(2026, 4, 1), ISSUED_AT, "USD"),  # 75 days
    ])

    async def all_arrived() -> bool:
        body = await ageing(client)
        return body["currencies"].get("EUR", {}).get("total") == "900.00" and "USD" in body[
            "currencies"]

    await eventually(all_arrived)
    body = await ageing(client)
    assert body["currencies"]["EUR"]["buckets"] == {
        "current": "100.00", "1-30": "200.00", "31-60": "300.00", "61-90": "0.00",
        "over_90": "300.00",
    }
    assert body["currencies"]["USD"]["buckets"]["61-90"] == "50.00"
    assert body["customers"]["C2"]["USD"]["total"] == "50.00"

    only_usd = await ageing(client, currency="usd")
    assert list(only_usd["currencies"]) == ["USD"]

    first = await ageing(client, limit="1")
    assert list(first["customers"]) == ["C1"] and first["customer_count"] == 2
    assert first["currencies"] == body["currencies"]
    second = await ageing(client, limit="1", after=first["page"]["next_after"])
    assert list(second["customers"]) == ["C2"] and second["page"]["next_after"] is None
    most = await ageing(client, order="overdue", limit="1")
    assert most["page"]["ranking"] == {"EUR": ["C1"], "USD": ["C2"]}
    assert most["customers"]["C1"]["EUR"]["total"] == "900.00"


async def test_as_of_ageing_ignores_later_events_and_takes_late_ones_dated_before(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    t = "2026-06-01T00:00:00+00:00"
    await publish(producer, topics.invoicing, [
        invoice_issued("inv-1", "C9", "1000.00", date(2026, 5, 10),
                       datetime(2026, 4, 10, tzinfo=UTC)),
    ])

    async def total_now_is(amount: str) -> bool:
        return (await ageing(client)).get("currencies", {}).get("EUR", {}).get("total") == amount

    await eventually(lambda: total_now_is("1000.00"))
    before = await ageing(client, as_of=t)
    assert before["currencies"]["EUR"]["buckets"]["1-30"] == "1000.00"  # 22 days on June 1st

    # a payment dated after T arrives: today's ageing changes, ageing as of T does not
    await publish(producer, topics.cash_application, [
        allocated("p-after", "inv-1", "C9", "400.00", datetime(2026, 6, 5, tzinfo=UTC)),
    ])
    await eventually(lambda: total_now_is("600.00"))
    assert await ageing(client, as_of=t) == before

    # a payment dated before T arrives late: ageing as of T reflects it
    await publish(producer, topics.cash_application, [
        allocated("p-late", "inv-1", "C9", "300.00", datetime(2026, 5, 20, tzinfo=UTC)),
    ])
    await eventually(lambda: total_now_is("300.00"))
    after = await ageing(client, as_of=t)
    assert after["currencies"]["EUR"]["buckets"]["1-30"] == "700.00"
    by_date = await ageing(client, as_of="2026-05-31")  # a date: the end of that day
    assert by_date["currencies"] == after["currencies"]


async def test_bad_as_of_is_refused_with_field_and_rule(client: httpx.AsyncClient) -> None:
    response = await client.get("/ageing", params={"as_of": "2026-06-01T00:00:00"})
    assert response.status_code == 422
    assert response.json()["field"] == "as_of"
    assert response.json()["rule"] == "timezone_required"


async def test_a_page_is_bounded_and_only_the_customer_order_pages_after_a_cursor(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/ageing", params={"limit": "1001"})).status_code == 422
    response = await client.get("/ageing", params={"order": "overdue", "after": "C1"})
    assert response.status_code == 422 and response.json()["field"] == "after"
