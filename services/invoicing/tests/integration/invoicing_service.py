"""The invoicing service running in-process against the real Kafka and PostgreSQL, and the
ways tests talk to it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_events.contract import Envelope, Topics, decode, encode
from ledgerline_events.contract.base import Event, new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)
from ledgerline_events.runtime.auth import mint_token
from ledgerline_invoicing.config import InvoicingSettings

SECRET = "invoicing-test-secret-with-enough-bytes-for-hs256"


def token(*roles: str) -> str:
    return mint_token(SECRET, "tester", roles)


@dataclass
class Service:
    app: FastAPI
    http: httpx.AsyncClient
    settings: InvoicingSettings
    producer: AIOKafkaProducer

    @property
    def topics(self) -> Topics:
        return self.settings.topics

    async def publish(self, topic: str, *messages: Envelope | bytes, key: bytes = b"C-1") -> None:
        for m in messages:
            value = m if isinstance(m, bytes) else encode(m)
            await self.producer.send_and_wait(
                topic, value=value, key=key if isinstance(m, bytes) else m.partition_key
            )

    async def invoices(self, **filters: str) -> list[dict[str, Any]]:
        response = await self.http.get("/invoices", params=filters)
        assert response.status_code == 200, response.text
        body: list[dict[str, Any]] = response.json()
        return body


def delivered(order_id: str, *lines: OrderLine, customer_id: str = "C-1",
              on: date = date(2026, 3, 2), currency: str = "EUR") -> Envelope:
    order = OrderDelivered(
        order_id=order_id,
        customer=Customer(customer_id=customer_id, name="Acme SARL", country="FR"),
        currency=currency,
        lines=list(lines) or [line("2", "50.00", "20")],
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        delivered_on=on,
    )
    return sales_envelope(order, customer_id, on)


def sales_envelope(payload: Event, customer_id: str, on: date) -> Envelope:
    instant = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    return new_envelope(payload, aggregate_id=f"order-{getattr(payload, 'order_id', 'x')}",
                        aggregate_version=1, customer_id=customer_id, occurred_at=instant,
                        producer="erp")


def line(quantity: str, unit_price: str, tax_rate: str) -> OrderLine:
    return OrderLine(sku="W-1", description="widget", quantity=Decimal(quantity),
                     unit_price=Decimal(unit_price), tax_rate=Decimal(tax_rate))



async def read_topic(bootstrap: str, topic: str, at_least: int,
                     timeout: float = 30.0) -> list[tuple[bytes | None, Any]]:
    """Every message on a topic from the start (value parsed as JSON), once `at_least` came."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    found: list[tuple[bytes | None, Any]] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < at_least and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                found += [(m.key, orjson.loads(m.value)) for m in messages if m.value]
    finally:
        await consumer.stop()
    return found


def our_events(messages: list[tuple[bytes | None, Any]]) -> list[Envelope]:
    return [decode(value) for _, value in messages]
