"""Who did what on a customer's account: the invoice invoicing issued (its component), the
dispute a collector opened (her subject and role), as the customer history answers them."""

from __future__ import annotations

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


async def test_the_customer_history_names_who_acted_latest_first(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
    auth_headers: Callable[..., dict[str, str]], unique_id: str,
) -> None:
    invoice_id = f"{unique_id}-h"
    await publish(producer, topics.invoicing, [invoice_issued(
        invoice_id, "C-HIST", "250.00", date(2026, 5, 31), datetime(2026, 5, 1, tzinfo=UTC))])

    async def known() -> bool:
        return (await client.get(f"/invoices/{invoice_id}")).status_code == 200
    await eventually(known)
    opened = await client.post(
        f"/invoices/{invoice_id}/disputes", json={"reason": "quality_complaint", "description": "scratched"},
        headers={**auth_headers("collector", sub="cora@collections.example"),
                 "Idempotency-Key": "hist-d1"})
    assert opened.status_code == 201, opened.text

    async def both() -> list[dict[str, object]] | None:
        found = (await client.get("/customers/C-HIST/history")).json()["entries"]
        return found if len(found) >= 2 else None
    entries = await eventually(both)
    assert [(e["event_type"], e["actor"], e["actor_kind"], e["actor_roles"]) for e in entries] == [
        ("collections.DisputeOpened", "cora@collections.example", "caller", ["collector"]),
        ("invoicing.InvoiceIssued", "invoicing", "component", [])]
    assert entries[1]["reference"] == f"INV-{invoice_id}"
    before = (await client.get("/customers/C-HIST/history",
                               params={"as_of": "2026-05-02T00:00:00Z"})).json()["entries"]
    assert [e["event_type"] for e in before] == ["invoicing.InvoiceIssued"]
