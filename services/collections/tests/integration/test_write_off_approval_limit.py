"""Finance may write off only up to the approval limit in its token (403 `approval_limit`
above it, or in another currency); admin has no limit; collectors may not write off."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import invoice_issued

pytestmark = pytest.mark.integration


async def test_write_offs_stop_at_the_callers_approval_limit(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    issued = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    await publish(producer, topics.invoicing,
                  [invoice_issued("L-1", "C9", "800.00", date(2026, 4, 1), issued)])

    async def known() -> bool:
        return len((await client.get("/customers/C9")).json().get("open_items", [])) == 1
    await eventually(known)

    async def write_off(key: str, amount: str, headers: dict[str, str]) -> httpx.Response:
        body = {"amount": {"amount": amount, "currency": "EUR"}, "reason": "insolvency",
                "approver": "fay"}
        return await client.post("/invoices/L-1/write-offs", json=body,
                                 headers={**headers, "Idempotency-Key": key})

    eur_500 = auth_headers("finance", approval_limit={"amount": "500.00", "currency": "EUR"})
    above = await write_off("k1", "600.00", eur_500)
    assert above.status_code == 403 and above.json()["rule"] == "approval_limit", above.text
    usd = auth_headers("finance", approval_limit={"amount": "5000.00", "currency": "USD"})
    assert (await write_off("k2", "100.00", usd)).json()["rule"] == "approval_limit"
    without = await write_off("k3", "1.00", auth_headers("finance"))
    assert without.status_code == 403
    assert (await write_off("k4", "1.00", auth_headers("collector"))).status_code == 403

    assert (await write_off("k5", "500.00", eur_500)).status_code == 201
    any_currency = auth_headers("finance", approval_limit="200")
    assert (await write_off("k6", "200.00", any_currency)).status_code == 201
    assert (await write_off("k7", "100.00", auth_headers("admin"))).status_code == 201
