"""The simulated company, week by week: the ERP sells and delivers (sales events on the
inbound topic), invoicing bills, customers pay by habit (one bank statement a week imported
into cash application), the AR team credits, disputes, writes off and records promises, and
collections runs dunning every simulated day. Business time is the simulated date."""

from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from ledgerline_events.contract import Envelope, new_envelope
from ledgerline_events.contract.parties import OrderReference
from ledgerline_events.contract.sales import OrderDelivered, OrderPlaced

from .actions import Desk, Invoice, Planned, week_days
from .services import Services, call
from .statements import csv_statement
from .world import (
    Habit,
    PlannedOrder,
    PlannedPayment,
    SimCustomer,
    cents,
    customers,
    orders_of_week,
    payments_for,
)


@dataclass(frozen=True)
class SimulationConfig:
    customers: int = 20
    months: int = 3
    seed: int = 1
    start: date = date(2026, 1, 1)
    dispute_rate: float = 0.04
    credit_note_rate: float = 0.06
    promise_rate: float = 0.3
    verbose: bool = True

    @property
    def end(self) -> date:
        year, month = divmod(self.start.month - 1 + self.months, 12)
        return date(self.start.year + year, month + 1, 1) - timedelta(days=1)


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    payment_ids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return "simulated: " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))


def _instant(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Simulation:
    def __init__(self, config: SimulationConfig, services: Services) -> None:
        self.config = config
        self.s = services
        self.rng = random.Random(config.seed)
        self.people = customers(self.rng, config.customers)
        self.desk = Desk(services, config.seed)
        self.summary = Summary()
        self.payments: list[PlannedPayment] = []
        self.agenda: list[Planned] = []
        self._orders = [0]
        self._week = 0

    async def run(self) -> Summary:
        """The whole history from `start` to the end of the last month, then wait until every
        service has consumed everything."""
        for c in self.people:
            await self.desk.set_limit(c.id, c.currency, Decimal(20000), self.config.start)
        monday = self.config.start
        while monday <= self.config.end:
            await self.week(monday, min(self.config.end, monday + timedelta(days=6)))
            monday += timedelta(days=7)
        await self.reverse_one_payment()
        await settle(self.s)
        return self.summary

    async def week(self, first: date, last: date) -> None:
        self._week += 1
        orders = [o for o in orders_of_week(self.rng, self.people, first, self._orders)
                  if o.delivered_on <= last]
        await self.sell(orders)
        await self.bill(orders)
        await self.carry_out(first, last)
        await self.bank_statement(first, last)
        for day in week_days(first):
            if day <= last:
                self.summary.counts["letters"] += await self.desk.dunning_run(day)
        await self.desk.evaluate_promises(last)
        self.say(f"week {self._week} ({first}..{last}): {len(orders)} orders, "
                 f"{len(self.summary.invoices)} invoices so far")

    async def sell(self, orders: list[PlannedOrder]) -> None:
        events: list[Envelope] = []
        for o in orders:
            gross = sum((cents(line.quantity * line.unit_price) * (1 + line.tax_rate / 100)
                         for line in o.lines), Decimal(0))
            if o.placed_on.day <= 7:  # the sales system checks credit once a month or so
                await self.desk.credit_check(o.customer.id, o.order_id, cents(gross),
                                             o.customer.currency, o.placed_on)
            events += [
                self._sales(o, 1, o.placed_on, OrderPlaced(
                    order_id=o.order_id, customer=o.customer.customer, placed_on=o.placed_on,
                    amount={"amount": str(cents(gross)), "currency": o.customer.currency})),
                self._sales(o, 2, o.delivered_on, OrderDelivered(
                    order_id=o.order_id, customer=o.customer.customer, currency=o.customer.currency,
                    lines=list(o.lines), payment_terms=o.customer.terms, delivered_on=o.delivered_on,
                    buyer=o.customer.buyer,
                    order=OrderReference(purchase_order=f"PO-{o.order_id}", ordered_on=o.placed_on))),
            ]
        await self.s.publish_sales(events)
        self.summary.counts["sales events"] += len(events)

    def _sales(self, o: PlannedOrder, version: int, day: date,
               payload: OrderPlaced | OrderDelivered) -> Envelope:
        return new_envelope(payload, aggregate_id=o.order_id, aggregate_version=version,
                            customer_id=o.customer.id, occurred_at=_instant(day, 9 + version),
                            producer="erp")

    async def bill(self, orders: list[PlannedOrder]) -> None:
        """Wait for invoicing to bill each delivery and cash application to see the invoice,
        then plan what happens to it."""
        for o in orders:
            invoice = await self._issued(o)
            self.summary.invoices[invoice.invoice_id] = invoice
            self.plan(o.customer, invoice)
        for c in sorted({o.customer.id for o in orders}):
            wanted = {f"inv-so-{o.order_id}" for o in orders if o.customer.id == c}
            await until(partial(self._cash_knows, c, wanted))

    async def _issued(self, o: PlannedOrder) -> Invoice:
        path = f"/invoices/inv-so-{o.order_id}"
        async def found() -> bool:
            return (await call(self.s.invoicing, "GET", path, ok=(404,))).status_code == 200
        await until(found)
        body = (await call(self.s.invoicing, "GET", path)).json()
        return Invoice(body["invoice_id"], body["invoice_number"], o.customer.id,
                       body["currency"], Decimal(body["gross_total"]),
                       date.fromisoformat(body["issue_date"]), date.fromisoformat(body["due_date"]))

    async def _cash_knows(self, customer_id: str, invoice_ids: set[str]) -> bool:
        r = await call(self.s.cash_application, "GET", f"/customers/{customer_id}/open-items")
        return invoice_ids <= {i["invoice_id"] for i in r.json()["open_items"]}

    def plan(self, c: SimCustomer, inv: Invoice) -> None:
        """Credit notes, disputes, write-offs, promises and payments for one new invoice."""
        rng, owed = self.rng, inv.gross
        if rng.random() < self.config.credit_note_rate:
            credited = cents(inv.gross * Decimal("0.2"))
            self.agenda.append(Planned(inv.issue_date + timedelta(days=3), "credit_note", inv, credited))
            owed -= credited
        if c.habit is Habit.BAD:
            self.agenda.append(Planned(inv.due_date + timedelta(days=60), "write_off", inv))
            return
        if rng.random() < self.config.dispute_rate:
            opened, resolved = inv.issue_date + timedelta(days=5), inv.issue_date + timedelta(days=20)
            liable = rng.random() < 0.5
            self.agenda += [Planned(opened, "dispute", inv),
                            Planned(resolved, "resolve_liable" if liable else "resolve_credit", inv)]
            if not liable:
                return
            self.payments.append(PlannedPayment(resolved + timedelta(days=7), c, inv.invoice_id,
                                                inv.number, owed))
            return
        planned = payments_for(rng, c, inv.invoice_id, inv.number, inv.due_date, owed)
        self.payments += planned
        if c.habit is Habit.LATE and planned and rng.random() < self.config.promise_rate:
            self.agenda.append(Planned(inv.due_date + timedelta(days=7), "promise", inv, owed,
                                       planned[0].pay_on))

    async def carry_out(self, first: date, last: date) -> None:
        due = sorted((p for p in self.agenda if p.on <= last), key=lambda p: (p.on, p.invoice.invoice_id))
        self.agenda = [p for p in self.agenda if p.on > last]
        for p in due:
            done = await self.desk.do(p)
            self.summary.counts[p.kind if done else f"{p.kind} refused"] += 1

    async def bank_statement(self, first: date, last: date) -> None:
        paid = [p for p in self.payments if p.pay_on <= last]
        self.payments = [p for p in self.payments if p.pay_on > last]
        if paid:
            await self.import_statement(f"SIM{self.config.seed}-W{self._week:03d}", paid)

    async def import_statement(self, ref: str, paid: list[PlannedPayment]) -> None:
        """One bank statement (CSV) with these payments, booked on their dates."""
        r = await call(self.s.cash_application, "POST", "/statements", params={"format": "csv"},
                       content=csv_statement(ref, paid), headers={"content-type": "text/csv"})
        entries = r.json()["entries"]
        self.summary.payment_ids += [e["payment_id"] for e in entries]
        self.summary.counts["payments"] += len(entries)

    async def reverse_one_payment(self) -> None:
        if self.summary.payment_ids:
            chosen = self.summary.payment_ids[len(self.summary.payment_ids) // 2]
            if await self.desk.reverse_payment(chosen):
                self.summary.counts["payment reversals"] += 1

    def say(self, text: str) -> None:
        if self.config.verbose:
            print(text, file=sys.stderr, flush=True)


async def until(check: Callable[[], Awaitable[bool]], within_s: float = 60.0) -> None:
    """Wait until `check()` holds: the services talk through Kafka, asynchronously."""
    deadline = asyncio.get_running_loop().time() + within_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the services did not converge in time")
        await asyncio.sleep(0.05)


async def settle(services: Services, quiet_polls: int = 4) -> None:
    """Wait until every service has published and consumed everything (metrics unchanged
    and no consumer lag for a few polls)."""
    last, quiet = "", 0
    while quiet < quiet_polls:
        texts = [(await call(c, "GET", "/metrics")).text for c in services.all().values()]
        lines = [ln for t in texts for ln in t.splitlines()
                 if ln.startswith(("ledgerline_consumer_lag", "ledgerline_events_applied_total",
                                   "ledgerline_events_published_total"))]
        lagging = any(ln.startswith("ledgerline_consumer_lag") and not ln.endswith(" 0.0")
                      for ln in lines)
        snapshot = "\n".join(lines)
        quiet = quiet + 1 if snapshot == last and not lagging else 0
        last = snapshot
        await asyncio.sleep(0.3)
