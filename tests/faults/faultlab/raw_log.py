"""The log as raw Kafka messages, for redelivery (the same bytes again) and for cross-topic
reordering (a customer's real history cloned under new ids, published topic by topic in the
reverse of the order it happened: write-offs and allocations before their invoices)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ledgerline_events.runtime.topics_admin import partitions_of

from .caught_up import TOPICS

SERVICE_TOPICS = [TOPICS.events(s) for s in ("collections", "cash-application", "invoicing")]
ALL_TOPICS = [*SERVICE_TOPICS, TOPICS.events("credit"), TOPICS.sales_inbound]
ID_KEYS = {"event_id", "correlation_id", "causation_id", "aggregate_id", "invoice_id", "payment_id",
           "allocation_id", "refund_id", "credit_note_id", "dispute_id", "write_off_id",
           "reminder_id", "promise_id", "call_id", "invoice_number", "credit_note_number",
           "sales_order_id", "invoice_ids", "credit_id", "recovery_id"}


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes | None
    value: bytes


async def tail(bootstrap: str, per_partition: int, topics: list[str] = ALL_TOPICS) -> list[Message]:
    """The last `per_partition` messages of every partition of `topics`, in log order."""
    partitions = await partitions_of(bootstrap, topics)
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(0, ends[tp] - per_partition))
        messages: list[Message] = []
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for tp, batch in (await consumer.getmany(timeout_ms=500)).items():
                messages += [Message(tp.topic, m.key, m.value) for m in batch
                             if m.value is not None and m.offset < ends[tp]]
        return messages
    finally:
        await consumer.stop()


async def publish(bootstrap: str, messages: list[Message]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for m in messages:
            await producer.send_and_wait(m.topic, m.value, key=m.key)
    finally:
        await producer.stop()


async def clone_history(bootstrap: str, customers: list[str], tag: str) -> list[Message]:
    """Every event of `customers` on the services' topics, with new event ids, business ids and
    customer ids (`<tag>-<customer>`), ordered collections topic, then cash, then invoicing."""
    history = await tail(bootstrap, per_partition=10**9, topics=SERVICE_TOPICS)
    ids: dict[str, str] = {c: f"{tag}-{c}" for c in customers}
    clones = []
    for topic in SERVICE_TOPICS:
        for m in history:
            event = orjson.loads(m.value)
            if m.topic == topic and event.get("customer_id") in customers:
                clone = _renamed(event, ids, tag)
                clones.append(Message(topic, clone["customer_id"].encode(), orjson.dumps(clone)))
    return clones


def _renamed(value: Any, ids: dict[str, str], tag: str, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _renamed(v, ids, tag, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, ids, tag, key) for v in value]
    if isinstance(value, str) and (key in ID_KEYS or key == "customer_id"):
        if value not in ids:
            ids[value] = str(uuid.uuid4()) if _is_uuid(value) else f"{value}-{tag}"
        return ids[value]
    return value


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
