"""Finance may write off only up to the approval limit in its token (403 `approval_limit`
above it, or in another currency), counting what it wrote off before on the same invoice and
customer (everybody's, when the company says so); admin has no limit; collectors may not
write off. The approver the event records is the signed-in caller, whatever the body says."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_collections.bootstrap import build_app
from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import NOW, publish
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
    # Another person (500 EUR of this customer are test-user's own write-offs, not theirs).
    any_currency = auth_headers("finance", sub="fred", approval_limit="200")
    assert (await write_off("k6", "200.00", any_currency)).status_code == 201
    assert (await write_off("k7", "100.00", auth_headers("admin"))).status_code == 201


async def open_invoice(client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
                       invoice_id: str, customer: str, gross: str) -> None:
    issued = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    await publish(producer, topics.invoicing,
                  [invoice_issued(invoice_id, customer, gross, date(2026, 4, 1), issued)])

    async def known() -> bool:
        items = (await client.get(f"/customers/{customer}")).json().get("open_items", [])
        return any(i["invoice_id"] == invoice_id for i in items)
    await eventually(known)


async def test_splitting_a_write_off_does_not_get_round_the_approval_limit(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    for invoice_id in ("S-1", "S-2"):
        await open_invoice(client, producer, topics, invoice_id, "C-SPLIT", "9000.00")
    fay = auth_headers("finance", sub="fay", approval_limit={"amount": "5000.00", "currency": "EUR"})

    async def write_off(invoice_id: str, key: str, amount: str,
                        headers: dict[str, str]) -> httpx.Response:
        body = {"amount": {"amount": amount, "currency": "EUR"}, "reason": "insolvency",
                "approver": "CFO"}
        return await client.post(f"/invoices/{invoice_id}/write-offs", json=body,
                                 headers={**headers, "Idempotency-Key": key})

    assert (await write_off("S-1", "s1", "5000.00", fay)).status_code == 201
    again = await write_off("S-1", "s2", "1000.00", fay)
    assert again.status_code == 403 and "already written off" in again.json()["detail"]
    other_invoice = await write_off("S-2", "s3", "1000.00", fay)
    assert other_invoice.status_code == 403, "the customer's total counts, not the invoice's"
    gus = auth_headers("finance", sub="gus", approval_limit="5000.00")
    assert (await write_off("S-2", "s4", "1000.00", gus)).status_code == 201

    async def both_shown() -> bool:
        shown = (await client.get("/customers/C-SPLIT")).json().get("write_offs", [])
        return sorted(w["approver"] for w in shown) == ["fay", "gus"]  # not "CFO" of the body
    await eventually(both_shown)


async def test_with_everyone_counted_a_colleagues_write_offs_use_up_the_limit_too(
    settings: CollectionsSettings, producer: AIOKafkaProducer, topics: Topics,
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    app = build_app(settings.model_copy(update={"write_off_limit_counts": "everyone"}),
                    clock=lambda: NOW)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://collections",
            headers=auth_headers("auditor")) as client:
        await open_invoice(client, producer, topics, "E-1", "C-ALL", "9000.00")
        body = {"amount": {"amount": "3000.00", "currency": "EUR"}, "reason": "insolvency"}
        for sub, key, status in [("fay", "e1", 201), ("gus", "e2", 201), ("hal", "e3", 403)]:
            headers = auth_headers("finance", sub=sub, approval_limit="7000.00")
            answer = await client.post("/invoices/E-1/write-offs", json=body,
                                       headers={**headers, "Idempotency-Key": key})
            assert answer.status_code == status, (sub, answer.text)


async def test_above_the_four_eyes_threshold_a_second_person_approves(
    settings: CollectionsSettings, producer: AIOKafkaProducer, topics: Topics,
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    app = build_app(settings.model_copy(update={"write_off_second_approval_above": Decimal(5000)}),
                    clock=lambda: NOW)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://collections",
            headers=auth_headers("auditor")) as client:
        await open_invoice(client, producer, topics, "F-1", "C-4EYES", "9000.00")
        fay = auth_headers("finance", sub="fay", approval_limit="10000.00")
        asked = await client.post(
            "/invoices/F-1/write-offs", json={"amount": {"amount": "8000.00", "currency": "EUR"},
                                              "reason": "insolvency"},
            headers={**fay, "Idempotency-Key": "f1"})
        assert asked.status_code == 201 and asked.json()["status"] == "awaiting_second_approval"
        write_off_id = asked.json()["write_off_id"]

        async def approve(headers: dict[str, str], key: str) -> httpx.Response:
            return await client.post(f"/write-offs/{write_off_id}/approve", json={},
                                     headers={**headers, "Idempotency-Key": key})

        same = await approve(fay, "a1")
        assert same.status_code == 403 and same.json()["rule"] == "four_eyes"
        small = await approve(auth_headers("finance", sub="gus", approval_limit="1000.00"), "a2")
        assert small.status_code == 403 and small.json()["rule"] == "approval_limit"
        hal = await approve(auth_headers("finance", sub="hal", approval_limit="10000.00"), "a3")
        assert hal.status_code == 201 and hal.json()["approvers"] == ["fay", "hal"]

        async def written_off() -> bool:
            shown = (await client.get("/customers/C-4EYES")).json().get("write_offs", [])
            return [(w["approver"], w["amount"]) for w in shown] == [("hal", "8000.00")]
        await eventually(written_off)
