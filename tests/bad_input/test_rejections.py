"""A publisher hears what we refused: a sale with payment terms nobody can read, and a sale
invoicing's rules refuse, are each answered on the rejections topic, keyed as the sale was,
naming its event id, its order and the reason, once per consumer that refused it."""

from __future__ import annotations

import json
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

pytestmark = pytest.mark.integration


def sale(order_id: str, customer_id: str, price: str) -> Envelope:
    order = OrderDelivered(
        order_id=order_id, customer=Customer(customer_id=customer_id, name="Publisher Test Ltd"),
        currency="EUR", payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[OrderLine(sku="W-1", description="widget", quantity=Decimal(1),
                         unit_price=Decimal(price), tax_rate=Decimal(20))],
        delivered_on=date(2026, 3, 2))
    return new_envelope(order, aggregate_id=f"order-{order_id}", aggregate_version=1,
                        customer_id=customer_id, producer="erp",
                        occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC))


async def answers(bootstrap: str, topic: str, event_ids: set[str], count: int
                  ) -> list[tuple[bytes | None, dict[str, Any]]]:
    """What the publisher reads back about these events, once `count` answers came."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest")
    await consumer.start()
    found: dict[str, tuple[bytes | None, dict[str, Any]]] = {}
    try:
        for _ in range(120):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    answer = json.loads(r.value)
                    if answer["payload"]["rejected_event_id"] in event_ids:
                        found[answer["payload"]["rejection_id"]] = (r.key, answer)
            if len(found) >= count:
                break
    finally:
        await consumer.stop()
    return list(found.values())


async def test_a_refused_sale_is_answered_on_the_publishers_rejection_topic(
    in_process: Any, kafka_bootstrap: str,
) -> None:
    unreadable = json.loads(encode(sale("SO-REJ-1", "C-REJ-1", "50.00")))
    unreadable["payload"]["payment_terms"]["kind"] = "end of month + 30"
    free = sale("SO-REJ-2", "C-REJ-2", "0.00")  # readable; invoicing's rules refuse it
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(in_process.topics.sales_inbound,
                                     json.dumps(unreadable).encode(), key=b"C-REJ-1")
        await producer.send_and_wait(in_process.topics.sales_inbound, encode(free),
                                     key=free.partition_key)
    finally:
        await producer.stop()

    ids = {unreadable["event_id"], str(free.event_id)}
    # every consumer of the sales topic refuses the unreadable one; only invoicing the free one
    heard = await answers(kafka_bootstrap, in_process.topics.sales_rejections, ids, count=4)
    by_event: dict[str, list[tuple[bytes | None, dict[str, Any]]]] = {}
    for key, answer in heard:
        by_event.setdefault(answer["payload"]["rejected_event_id"], []).append((key, answer))

    unread = by_event[unreadable["event_id"]]
    assert {a["payload"]["consumer"] for _, a in unread} == {"invoicing", "credit", "collections"}
    for key, answer in unread:
        p = answer["payload"]
        assert key == b"C-REJ-1" and answer["event_type"] == "sales.InboundEventRejected"
        assert (p["order_id"], p["customer_id"], p["rejected_event_type"]) == (
            "SO-REJ-1", "C-REJ-1", "sales.OrderDelivered")
        assert "payment_terms" in p["reason"] and "kind" in p["reason"], p["reason"]
        assert p["source_topic"] == in_process.topics.sales_inbound

    [(key, refused)] = by_event[str(free.event_id)]
    assert key == b"C-REJ-2" and refused["payload"]["consumer"] == "invoicing"
    assert refused["payload"]["order_id"] == "SO-REJ-2"
    assert "amount_not_positive" in refused["payload"]["reason"]
