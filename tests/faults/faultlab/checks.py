"""What must hold once the system has caught up after a fault:
1. the AR invariant: every service's figures per customer and currency equal the fold of the
   raw log (tests/e2e/ledger.py), redelivered copies of an event counted once; no invoice's open
   amount below zero; every invoice's open amount and status the same in the four services;
2. every acknowledged command is reflected exactly once: one event in the log per business id,
   the log holds no command nobody acknowledged, and the projection knows it;
3. a replay of every projection into a scratch schema equals the live one, table by table;
4. nothing went to a dead-letter topic."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from ledgerline_events.contract import Envelope
from ledgerline_events.runtime import rebuild
from ledgerline_events.runtime.postgres import ident
from ledgerline_events.runtime.topics_admin import partitions_of
from ledgerline_ops.services import SERVICES

from . import auth
from .caught_up import TOPICS, write_schema
from .e2e import RUNTIME_TABLES, fold, read_log, table_rows
from .e2e import invoices_disagree as e2e_invoices_disagree
from .workload import Workload

CREATED_BY = {"payment": ("cash-application.PaymentReceived", "payment_id"),
              "credit_note": ("invoicing.CreditNoteIssued", "credit_note_id"),
              "dispute": ("collections.DisputeOpened", "dispute_id"),
              "write_off": ("collections.DebtWrittenOff", "write_off_id")}


def distinct(events: list[Envelope]) -> list[Envelope]:
    """The log without redelivered copies (same event id), first copy kept."""
    seen: set[object] = set()
    return [e for e in events if not (e.event_id in seen or seen.add(e.event_id))]


async def the_log(bootstrap: str) -> list[Envelope]:
    return distinct(await read_log(bootstrap, TOPICS))


def no_open_amount_below_zero(log: list[Envelope]) -> list[str]:
    """Clearing never takes an invoice below zero, whatever raced (unclamped)."""
    return [f"invoice {i}: open {amount} in the log" for i, amount in fold(log).below_zero().items()]


async def invoices_disagree(
    urls: dict[str, str], log: list[Envelope], workload: Workload
) -> tuple[list[str], int]:
    """Every invoice of this round: the same open amount and status in the four services,
    equal to the log's. Returns the disagreements and how many invoices were compared."""
    ours = [e.payload.invoice_id for e in log if e.event_type == "invoicing.InvoiceIssued"
            and (e.customer_id or "").startswith(f"{workload.tag}-")]
    clients = {name: httpx.AsyncClient(base_url=url, timeout=30.0, headers=auth.headers())
               for name, url in urls.items()}
    try:
        wrong = await e2e_invoices_disagree(clients, ours, fold(log).open_per_invoice)
    finally:
        for client in clients.values():
            await client.aclose()
    return wrong, len(ours)


async def invariant_mismatches(urls: dict[str, str], log: list[Envelope]) -> list[str]:
    ledger = fold(log)
    wrong: list[str] = []
    async with httpx.AsyncClient(timeout=30.0, headers=auth.headers()) as http:
        for (customer, currency), expected in sorted(ledger.balance.items(), key=str):
            if customer is None:
                continue
            got = await _figures(http, urls, customer, currency)
            want = {"cash balance": expected, "cash unapplied": ledger.unapplied[(customer, currency)],
                    "collections ageing": expected, "credit open AR": expected}
            wrong += [f"{customer} {currency} {k}: {got[k]} != {want[k]} (log)"
                      for k in want if got[k] != want[k]]
    return wrong


async def _figures(http: httpx.AsyncClient, urls: dict[str, str], customer: str,
                   currency: str) -> dict[str, Decimal | None]:
    cash = _ok(await http.get(f"{urls['cash-application']}/customers/{customer}/balance"))
    row = next((r for r in cash.get("currencies", []) if r["currency"] == currency), None)
    ageing = _ok(await http.get(f"{urls['collections']}/ageing",
                                params={"customer_id": customer, "currency": currency}))
    aged = ageing["customers"].get(customer, {}).get(currency)
    credit = await http.get(f"{urls['credit']}/customers/{customer}/credit")
    credit_row = None if credit.status_code == 404 else next(
        (r for r in _ok(credit)["currencies"] if r["currency"] == currency), None)
    return {"cash balance": Decimal(row["balance"]["amount"]) if row else Decimal(0),
            "cash unapplied": Decimal(row["unapplied_cash"]["amount"]) if row else Decimal(0),
            "collections ageing": Decimal(aged["total"]) if aged else Decimal(0),
            "credit open AR": Decimal(credit_row["open_ar"]) if credit_row else Decimal(0)}


def _ok(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise AssertionError(f"GET {response.url}: {response.status_code} {response.text[:300]}")
    return response.json()


def exactly_once(log: list[Envelope], workload: Workload) -> list[str]:
    """Per kind of command: the business ids created in the log for this round's customers are
    exactly the acknowledged ones, each by one event; every delivered order, one invoice."""
    ours = [e for e in log if (e.customer_id or "").startswith(f"{workload.tag}-")]
    wrong = []
    for kind, (event_type, id_field) in CREATED_BY.items():
        created = Counter(getattr(e.payload, id_field) for e in ours if e.event_type == event_type)
        acked = Counter(c.result_id for c in workload.acknowledged(kind))
        wrong += [f"{kind} {i}: {n} events in the log" for i, n in created.items() if n != 1]
        wrong += [f"{kind} {i}: acknowledged {n} times" for i, n in acked.items() if n != 1]
        wrong += [f"{kind} {i}: acknowledged, not in the log" for i in acked.keys() - created.keys()]
        wrong += [f"{kind} {i}: in the log, never acknowledged" for i in created.keys() - acked.keys()]
    invoices = Counter(getattr(e.payload, "sales_order_id", None) for e in ours
                       if e.event_type == "invoicing.InvoiceIssued")
    for order_id in (o.envelope.aggregate_id for o in workload.orders):
        if invoices[order_id] != 1:
            wrong.append(f"order {order_id}: {invoices[order_id]} invoices")
    return wrong + workload.anomalies


async def projections_know(urls: dict[str, str], workload: Workload) -> list[str]:
    """Each acknowledged payment once in cash application's read model with its amount."""
    wrong = []
    async with httpx.AsyncClient(timeout=30.0, headers=auth.headers()) as http:
        for command in workload.acknowledged("payment"):
            response = await http.get(f"{urls['cash-application']}/payments/{command.result_id}")
            body: dict[str, Any] = response.json() if response.status_code == 200 else {}
            amount = (body.get("amount") or {}).get("amount")
            if amount is None or Decimal(amount) != Decimal(command.body["amount"]["amount"]):
                wrong.append(f"payment {command.result_id}: read model says {response.status_code} {amount}")
    return wrong


async def replay_differences(pool: asyncpg.Pool, bootstrap: str) -> list[str]:
    """Rebuild every service's replayable projections into `<read>_check` and compare."""
    differences = []
    for name, ops in SERVICES.items():
        live = f"{write_schema(name)}_read"
        scratch = f"{live}_check"
        await rebuild(pool=pool, bootstrap=bootstrap, projections=ops.replay_projections(), topics=TOPICS,
                      target_schema=scratch)
        async with pool.acquire() as conn:
            tables = await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", scratch)
            for table in sorted({t["table_name"] for t in tables} - RUNTIME_TABLES):
                live_rows = await table_rows(conn, live, table)
                rebuilt = await table_rows(conn, scratch, table)
                if live_rows != rebuilt:
                    differences.append(f"{name}.{table}: {_diff(live_rows, rebuilt)}")
            await conn.execute(f"DROP SCHEMA {ident(scratch)} CASCADE")
    return differences


def _diff(live: list[tuple[object, ...]], rebuilt: list[tuple[object, ...]]) -> str:
    only_live, only_rebuilt = Counter(live) - Counter(rebuilt), Counter(rebuilt) - Counter(live)
    return f"live only {list(only_live)[:3]}, replay only {list(only_rebuilt)[:3]}"


async def dead_letters(bootstrap: str) -> list[str]:
    names = [TOPICS.dead_letter(s) for s in SERVICES]
    partitions = await partitions_of(bootstrap, names)
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    if not tps:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
        counts: dict[str, int] = defaultdict(int)
        for tp, n in ends.items():
            counts[tp.topic] += n
    finally:
        await consumer.stop()
    return [f"{topic}: {n} dead letters" for topic, n in counts.items() if n]


