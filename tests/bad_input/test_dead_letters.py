"""Fuzzed and truncated messages on every consumed topic go to the consumer's dead-letter
topic with a reason, and each consumer keeps going: per topic a truncated JSON, random
bytes and a valid envelope with a bad payload, then one good delivery from the ERP whose
invoice every service then shows."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ledgerline_events.contract import Envelope, encode, new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)
from ledgerline_events.testing import eventually

pytestmark = pytest.mark.integration
CUSTOMER = "C-DLQ"
ON = date(2026, 3, 2)
# A plausible event type per topic (attribute of Topics) for the envelope with a bad payload.
EVENT_TYPES = {"sales_inbound": "sales.OrderDelivered", "invoicing": "invoicing.InvoiceIssued",
               "cash_application": "cash-application.PaymentAllocated",
               "collections": "collections.DisputeOpened", "credit": "credit.CreditLimitSet"}


def delivery() -> Envelope:
    order = OrderDelivered(
        order_id="SO-DLQ-1", customer=Customer(customer_id=CUSTOMER, name="Dead Letter Ltd"),
        currency="EUR", payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[OrderLine(sku="W-1", description="widget", quantity=Decimal(2),
                         unit_price=Decimal("50.00"), tax_rate=Decimal(20))],
        delivered_on=ON,
    )
    return new_envelope(order, aggregate_id="order-SO-DLQ-1", aggregate_version=1,
                        customer_id=CUSTOMER, producer="erp",
                        occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC))


def bad_messages(event_type: str) -> list[bytes]:
    good = encode(delivery())
    envelope = json.loads(good)
    envelope.update(event_type=event_type, payload={"amount": "lots", "unexpected": [1, 2]})
    return [good[: len(good) // 2], random.Random(event_type).randbytes(64),
            json.dumps(envelope).encode()]


async def dead_letters(bootstrap: str, topic: str, count: int) -> list[dict[str, Any]]:
    """The dead letters of `topic`, one per source message (they are at least once)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest")
    await consumer.start()
    found: dict[tuple[str, int, int], dict[str, Any]] = {}
    try:
        for _ in range(120):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    v = json.loads(r.value)
                    found[(v["source_topic"], v["source_partition"], v["source_offset"])] = v
            if len(found) >= count:
                break
    finally:
        await consumer.stop()
    return list(found.values())



@pytest.fixture(scope="module")
async def fuzzed(in_process: Any, kafka_bootstrap: str) -> Any:
    """Bad messages on all five topics, then the good delivery (once per module)."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        for attr, event_type in EVENT_TYPES.items():
            for message in bad_messages(event_type):
                await producer.send_and_wait(getattr(in_process.topics, attr), message,
                                             key=CUSTOMER.encode())
        good = delivery()
        await producer.send_and_wait(in_process.topics.sales_inbound, encode(good),
                                     key=good.partition_key)
    finally:
        await producer.stop()
    return in_process


INVOICE_SEEN: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "invoicing": (f"/invoices?customer_id={CUSTOMER}", lambda body: len(body) == 1),
    "cash-application": (f"/customers/{CUSTOMER}/open-items",
                         lambda body: len(body["open_items"]) == 1),
    "collections": (f"/customers/{CUSTOMER}", lambda body: len(body.get("open_items", [])) == 1),
    "credit": (f"/customers/{CUSTOMER}/credit",
               lambda body: any(c.get("open_ar") for c in body["currencies"])),
}


def subscribed(app: Any) -> set[str]:
    runtime = app.state.runtime
    return set(runtime.runner.subscribed).union(
        *(intake.runner.subscribed for intake in runtime.intakes))


@pytest.mark.parametrize("service", sorted(INVOICE_SEEN))
async def test_bad_messages_are_dead_lettered_with_reasons_and_the_consumer_goes_on(
    service: str, fuzzed: Any, kafka_bootstrap: str,
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    app, http = fuzzed.apps[service], fuzzed.clients[service]
    topics = subscribed(app)
    assert len(topics) >= 2, topics
    path, seen = INVOICE_SEEN[service]

    async def invoice_applied() -> bool:
        answer = await http.get(path, headers=auth_headers("auditor"))
        return answer.status_code == 200 and bool(seen(answer.json()))
    await eventually(invoice_applied)

    dead = await dead_letters(kafka_bootstrap, fuzzed.topics.dead_letter(service), 3 * len(topics))
    by_topic: dict[str, list[str]] = {}
    for letter in dead:
        by_topic.setdefault(letter["source_topic"], []).append(letter["reason"])
    assert set(by_topic) == topics
    for topic, reasons in by_topic.items():
        assert len(reasons) == 3 and all(reasons), (topic, reasons)
