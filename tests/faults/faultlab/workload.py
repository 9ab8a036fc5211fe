"""A busy, seeded stream of what the business does: the ERP delivers orders (sales events on
the inbound topic) while finance posts payments, credit notes, disputes and write-offs over
HTTP with idempotency keys. Every command answered 2xx is recorded as acknowledged; one that
got no answer (crash, outage, 5xx) is retried later with the SAME key, as a client would."""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Envelope, Topics, encode, new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)

from . import auth

NET30 = PaymentTerms(kind=TermsKind.NET, net_days=30)
RESULT_ID = {"payment": "payment_id", "credit_note": "credit_note_id",
             "dispute": "dispute_id", "write_off": "write_off_id"}


def order_delivered(order_id: str, customer_id: str, currency: str, price: Decimal) -> Envelope:
    """The ERP's event: one line of widgets delivered today, net 30 (invoiced as inv-so-<order>)."""
    line = OrderLine(sku="SKU-1", description="Widgets", quantity=Decimal(1),
                     unit_price=price, tax_rate=Decimal(0))
    customer = Customer(customer_id=customer_id, name=f"Customer {customer_id}")
    now = datetime.now(UTC)
    payload = OrderDelivered(order_id=order_id, customer=customer, currency=currency,
                             lines=[line], payment_terms=NET30, delivered_on=now.date())
    return new_envelope(payload, aggregate_id=order_id, aggregate_version=1,
                        customer_id=customer_id, occurred_at=now, producer="erp")


@dataclass
class Command:
    kind: str  # payment, credit_note, dispute, write_off
    service: str
    path: str
    body: dict[str, Any]
    key: str
    attempts: int = 0
    status: int | None = None  # last HTTP status, None: no answer
    result: dict[str, Any] | None = None
    refused: bool = False  # a final business answer (4xx): nothing written, nothing to retry

    @property
    def acknowledged(self) -> bool:
        return self.result is not None

    @property
    def result_id(self) -> str:
        assert self.result is not None
        return str(self.result[RESULT_ID[self.kind]])


@dataclass
class Order:
    envelope: Envelope
    published: bool = False

    @property
    def invoice_id(self) -> str:
        return f"inv-so-{self.envelope.aggregate_id}"


@dataclass
class Workload:
    tag: str  # unique per round: customer and order ids start with it
    rng: random.Random
    urls: dict[str, str]
    bootstrap: str
    topics: Topics
    customers: int = 6
    orders: list[Order] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    _producer: AIOKafkaProducer | None = None
    _http: httpx.AsyncClient | None = None

    @property
    def customer_ids(self) -> list[str]:
        return [f"{self.tag}-C{i}" for i in range(self.customers)]

    async def __aenter__(self) -> Workload:
        self._http = httpx.AsyncClient(timeout=10.0, headers=auth.headers())
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._drop_producer()
        if self._http is not None:
            await self._http.aclose()

    async def run(self, seconds: float, workers: int = 3) -> None:
        """Deliver orders and post commands for `seconds`, whatever breaks meanwhile."""
        deadline = asyncio.get_running_loop().time() + seconds
        plans = [random.Random(self.rng.random()) for _ in range(workers)]
        await asyncio.gather(self._erp(deadline),
                             *(self._finance(deadline, p, w) for w, p in enumerate(plans)))

    async def settle(self, timeout: float = 120.0) -> None:
        """After the fault: re-send what was not acknowledged until everything is answered."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            orders = [o for o in self.orders if not o.published]
            commands = [c for c in self.commands if not (c.acknowledged or c.refused)]
            if not orders and not commands:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.tag}: {len(orders)} orders and {len(commands)} "
                                     f"commands still unacknowledged after {timeout} s")
            for order in orders:
                await self._publish(order)
            for command in commands:
                await self.execute(command)
            await asyncio.sleep(0.5)

    # --- the ERP ---------------------------------------------------------------------------

    async def _erp(self, deadline: float) -> None:
        n = 0
        while asyncio.get_running_loop().time() < deadline:
            order = Order(self._delivery(n))
            self.orders.append(order)
            await self._publish(order)
            n += 1
            await asyncio.sleep(0.15)

    def _delivery(self, n: int) -> Envelope:
        customer_id = self.rng.choice(self.customer_ids)
        currency = "USD" if customer_id.endswith(("1", "4")) else "EUR"
        price = Decimal(self.rng.randrange(10_000, 100_000)) / 100
        return order_delivered(f"{self.tag}-O{n}", customer_id, currency, price)

    async def _publish(self, order: Order) -> None:
        try:
            if self._producer is None:
                self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all",
                                                  enable_idempotence=True, request_timeout_ms=5000)
                await asyncio.wait_for(self._producer.start(), 5)
            await asyncio.wait_for(self._producer.send_and_wait(
                self.topics.sales_inbound, encode(order.envelope), key=order.envelope.partition_key), 5)
            order.published = True
        except Exception:  # broker away: publish again later (the same event, the same order)
            await self._drop_producer()

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), 5)

    # --- finance -------------------------------------------------------------------------

    async def _finance(self, deadline: float, plan: random.Random, worker: int) -> None:
        n = 0
        while asyncio.get_running_loop().time() < deadline:
            command = self._next_command(plan, f"{self.tag}-w{worker}-{n}")
            if command is not None:
                self.commands.append(command)
                await self.execute(command)
            n += 1
            await asyncio.sleep(plan.uniform(0.02, 0.12))

    def _next_command(self, plan: random.Random, key: str) -> Command | None:
        kind = plan.choices(["payment", "credit_note", "dispute", "write_off"], [4, 2, 1, 2])[0]
        if kind == "payment":
            customer = plan.choice(self.customer_ids)
            currency = "USD" if customer.endswith(("1", "4")) else "EUR"
            amount = Decimal(plan.randrange(1_000, 40_000)) / 100
            body = {"amount": {"amount": str(amount), "currency": currency}, "customer_id": customer,
                    "received_on": datetime.now(UTC).date().isoformat()}
            return Command(kind, "cash-application", "/payments", body, key)
        published = [o for o in self.orders[:-5] if o.published]  # give invoicing a moment
        if not published:
            return None
        order = plan.choice(published)
        currency = order.envelope.payload.currency  # type: ignore[attr-defined]
        money = {"amount": f"{plan.randrange(1, 30)}.{plan.randrange(100):02d}", "currency": currency}
        if kind == "credit_note":
            return Command(kind, "invoicing", f"/invoices/{order.invoice_id}/credit-notes",
                           {"amount": money, "reason": "price correction"}, key)
        if kind == "dispute":
            return Command(kind, "collections", f"/invoices/{order.invoice_id}/disputes",
                           {"amount": money, "reason": "quality_complaint"}, key)
        return Command(kind, "collections", f"/invoices/{order.invoice_id}/write-offs",
                       {"amount": money, "reason": "small balance", "approver": "cfo"}, key)

    async def execute(self, command: Command) -> None:
        assert self._http is not None
        command.attempts += 1
        try:
            response = await self._http.post(f"{self.urls[command.service]}{command.path}",
                                              json=command.body, headers={"Idempotency-Key": command.key})
        except httpx.HTTPError:
            command.status = None
            return
        command.status = response.status_code
        if response.status_code < 300:
            command.result = response.json()
        elif response.status_code in (404, 409, 422) and "concurrent_change" not in response.text:
            command.refused = True
        elif response.status_code in (401, 403):
            command.refused = True
            self.anomalies.append(f"{command.key}: {response.status_code} {response.text}")
        if response.status_code == 422 and "idempotency_key_reused" in response.text:
            self.anomalies.append(f"{command.key}: retry with the same body refused: {response.text}")

    def acknowledged(self, kind: str) -> list[Command]:
        return [c for c in self.commands if c.kind == kind and c.acknowledged]
