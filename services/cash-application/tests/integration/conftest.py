"""Fixtures: the cash-application service running in-process on the real Kafka and PostgreSQL,
with helpers to publish invoicing events and check the AR invariant."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_cash.application.queries import CashQueries
from ledgerline_cash.bootstrap import PROJECTIONS, build_app
from ledgerline_cash.config import Settings
from ledgerline_events.contract import Envelope, Event, Money, Topics, decode, encode, new_envelope
from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
from ledgerline_events.runtime import rebuild
from ledgerline_events.runtime.topics_admin import ensure_topics

NOW = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient
    topics: Topics
    bootstrap: str
    producer: AIOKafkaProducer
    sent: list[Envelope]

    async def publish(self, topic: str, payload: Event, customer_id: str, aggregate_id: str,
                      version: int = 1, at: datetime = NOW) -> Envelope:
        envelope = new_envelope(payload, aggregate_id=aggregate_id, aggregate_version=version,
                                customer_id=customer_id, occurred_at=at,
                                producer=topic.split(".")[-2])
        await self.producer.send_and_wait(topic, encode(envelope), key=envelope.partition_key)
        self.sent.append(envelope)
        return envelope

    async def issue_invoice(self, customer_id: str, number: str, gross: str, *,
                            due: date = date(2026, 3, 31), issued: date = date(2026, 3, 1),
                            discount: tuple[int, str] | None = None, at: datetime = NOW) -> str:
        invoice_id = f"inv-{uuid.uuid4().hex[:12]}"
        await self.publish(self.topics.invoicing,
                           invoice(invoice_id, customer_id, number, gross, due, issued, discount),
                           customer_id, invoice_id, at=at)
        return invoice_id

    async def own_events(self) -> list[Envelope]:
        store = self.app.state.runtime.store
        return list(await store.read_all())

    async def wait_for(self, check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.1)

    async def open_items(self, customer_id: str) -> dict[str, Decimal]:
        r = await self.client.get(f"/customers/{customer_id}/open-items")
        assert r.status_code == 200, r.text
        return {i["invoice_number"]: Decimal(i["open_amount"]["amount"])
                for i in r.json()["open_items"]}

    async def assert_ar_invariant(self, customers: list[str]) -> None:
        await assert_ar_invariant(self, customers)

    async def published(self, expect: Callable[[list[Envelope]], bool]) -> list[Envelope]:
        return await consume_all(self.bootstrap, self.topics.cash_application, expect)

    async def wait_invoices(self, customer_id: str, count: int) -> None:
        async def seen() -> bool:
            return len(await self.open_items(customer_id)) >= count
        await self.wait_for(seen)


def invoice(invoice_id: str, customer_id: str, number: str, gross: str, due: date,
            issued: date, discount: tuple[int, str] | None) -> InvoiceIssued:
    amount = Decimal(gross)
    terms = (PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30,
                          discount_days=discount[0], discount_percent=Decimal(discount[1]))
             if discount else PaymentTerms(kind=TermsKind.NET, net_days=30))
    return InvoiceIssued(
        invoice_id=invoice_id, invoice_number=number,
        customer=Customer(customer_id=customer_id, name=f"Customer {customer_id}"),
        currency="EUR", issue_date=issued, due_date=due, payment_terms=terms,
        lines=[InvoiceLine(description="Goods", quantity=Decimal(1), unit_price=amount,
                           tax_rate=Decimal(0), net=amount, tax=Decimal(0))],
        net_total=Money.of(amount, "EUR"), tax_total=Money.of(0, "EUR"),
        gross_total=Money.of(amount, "EUR"),
    )


async def consume_all(bootstrap: str, topic: str, expect: Callable[[list[Envelope]], bool],
                      timeout: float = 30) -> list[Envelope]:
    """Read `topic` from the start until `expect` holds."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                group_id=None, metadata_max_age_ms=1000)
    await consumer.start()
    seen: list[Envelope] = []
    try:
        end = datetime.now(UTC) + timedelta(seconds=timeout)
        while not expect(seen):
            if datetime.now(UTC) > end:
                raise AssertionError(f"only {len(seen)} events on {topic}")
            batches = await consumer.getmany(timeout_ms=500)
            seen += [decode(m.value) for msgs in batches.values() for m in msgs]
    finally:
        await consumer.stop()
    return seen


def ar_invariant(events: list[Envelope]) -> dict[tuple[str, str], dict[str, Decimal]]:
    """DESIGN.md's invariant, folded straight from the log: per customer and currency,
    balance = issued - credit notes - cancelled - allocations (incl. discounts) - write-offs
    + reversals and recoveries, each document counted for what clearing applied of it;
    unapplied = payments + credit notes' excess - reversed payments - allocations - refunds.
    A payment counts for the first customer any of its events names."""
    payer: dict[str, str] = {}
    for e in events:
        pid = getattr(e.payload, "payment_id", None)
        if pid and e.customer_id and pid not in payer:
            payer[pid] = e.customer_id
    totals: dict[tuple[str, str], dict[str, Decimal]] = {}

    def add(customer: str | None, money: Money, field: str, sign: int) -> None:
        if customer is None:
            return
        row = totals.setdefault((customer, money.currency),
                                {"balance": Decimal(0), "unapplied": Decimal(0)})
        row[field] += sign * money.amount

    for e in events:
        p: Any = e.payload
        kind = e.event_type.split(".")[1]
        if kind == "InvoiceIssued":
            add(p.customer.customer_id, p.gross_total, "balance", 1)
        elif kind in ("CreditNoteApplied", "CancellationApplied", "WriteOffApplied"):
            add(e.customer_id, p.applied, "balance", -1)
            if kind == "CreditNoteApplied":
                add(e.customer_id, p.to_account, "unapplied", 1)
        elif kind == "RecoveryApplied":
            add(e.customer_id, p.applied, "balance", 1)
        elif kind in ("PaymentAllocated", "AllocationReversed"):
            sign = 1 if kind == "AllocationReversed" else -1
            gross = p.amount + p.discount if p.discount else p.amount
            add(e.customer_id, gross, "balance", sign)
            add(payer.get(p.payment_id), p.amount, "unapplied", sign)
        elif kind == "PaymentReceived":
            add(payer.get(p.payment_id), p.amount, "unapplied", 1)
        elif kind in ("PaymentReversed", "RefundIssued"):
            add(payer.get(p.payment_id), p.amount, "unapplied", -1)
    return totals


async def assert_ar_invariant(service: Service, customers: list[str]) -> None:
    """The balance endpoint agrees with the invariant folded from every event of the test."""
    expected = ar_invariant([*service.sent, *await service.own_events()])
    for customer in customers:
        r = await service.client.get(f"/customers/{customer}/balance")
        assert r.status_code == 200, r.text
        got = {(customer, c["currency"]): {
            "balance": Decimal(c["balance"]["amount"]),
            "unapplied": Decimal(c["unapplied_cash"]["amount"])}
            for c in r.json()["currencies"]}
        want = {k: v for k, v in expected.items() if k[0] == customer}
        assert got == want, (customer, got, want)
    await assert_replay_gives_the_same(service, customers)


async def assert_replay_gives_the_same(service: Service, customers: list[str]) -> None:
    """The read model rebuilt from the log alone equals the live one (our own events were
    also applied by the commands: the rebuild must not need that)."""
    runtime = service.app.state.runtime
    settings = runtime.settings
    outbox = f'"{settings.write_schema}".outbox'

    async def published() -> bool:
        return bool(await runtime.pool.fetchval(f"SELECT count(*) FROM {outbox}") == 0)
    await service.wait_for(published)
    target = f"{settings.read_schema}_rebuild"
    await rebuild(pool=runtime.pool, bootstrap=service.bootstrap, projections=PROJECTIONS,
                  topics=service.topics, target_schema=target)
    live = CashQueries(runtime.pool, settings.read_schema)
    rebuilt = CashQueries(runtime.pool, target)
    for customer in customers:
        assert await rebuilt.balance(customer) == await live.balance(customer)
        assert await rebuilt.open_items(customer) == await live.open_items(customer)
    assert await rebuilt.unapplied() == await live.unapplied()


@pytest.fixture
async def service(
    kafka_bootstrap: str, pg_dsn: str, topics: Topics, schema_prefix: str,
    auth_headers: Callable[..., dict[str, str]],
) -> AsyncIterator[Service]:
    await ensure_topics(kafka_bootstrap, [topics.invoicing, topics.collections,
                                          topics.cash_application], partitions=3)
    settings = Settings(pg_dsn=pg_dsn, kafka_bootstrap=kafka_bootstrap, log_json=False,
                        topic_prefix=topics.prefix, schema_prefix=schema_prefix,
                        log_level="WARNING")
    app = build_app(settings, clock=lambda: NOW)

    async def ready() -> bool:
        return bool((await client.get("/ready")).status_code == 200)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://cash",
                                         headers=auth_headers("finance")) as client:
                service = Service(app, client, topics, kafka_bootstrap, producer, [])
                # Stopping the runtime while its relay is still starting can hang it: begin
                # (and so end) every test with a ready service.
                await service.wait_for(ready)
                yield service
    finally:
        await producer.stop()
