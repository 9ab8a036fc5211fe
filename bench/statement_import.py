"""The morning's bank file (issue 26): a camt.053 of N entries against M open invoices, imported
through cash application's `POST /statements` as finance does it, with cash application and
collections in this process (the two services the file's work goes through; invoicing and
credit would only share the one core) on the real broker and database. Measures the import
(parse, identify, match, allocate, commit), the time until collections' ageing shows every
allocation, the raw XML parse of the same file (the limit), and the process's peak memory.

The file mixes what banks send: remittances naming one invoice (40 %), amounts only from a
payer account seen earlier in the file (25 %), one payment for two invoices (15 %), and
unknown payers (20 %).

    .venv/bin/python bench/statement_import.py --entries 5000 --invoices 10000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import resource
import secrets
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Money, encode, new_envelope
from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind

KAFKA = os.environ.get("LEDGERLINE_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
PG = os.environ.get("LEDGERLINE_PG_DSN", "postgresql://postgres@127.0.0.1:15432/ledgerline")
ISSUED = datetime(2026, 9, 1, 9, tzinfo=UTC)


def invoices(m: int, customers: int, rng: random.Random) -> list[tuple[str, str, Decimal]]:
    """(customer, invoice number, gross) for M invoices over `customers` customers."""
    return [(f"C-{i % customers:06d}", f"INV-BENCH-{i:07d}",
             Decimal(rng.randrange(5_000, 500_000)) / 100) for i in range(m)]


def invoice_event(customer: str, number: str, gross: Decimal, issued: datetime = ISSUED) -> bytes:
    amount = Money.of(gross, "EUR")
    payload = InvoiceIssued(
        invoice_id=f"inv-{number}", invoice_number=number,
        customer=Customer(customer_id=customer, name=f"{customer} SARL", country="FR"),
        currency="EUR", issue_date=issued.date(), due_date=issued.date() + timedelta(days=30),
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[InvoiceLine(description="Goods", quantity=Decimal(1), unit_price=gross,
                           tax_rate=Decimal(0), net=gross, tax=Decimal(0))],
        net_total=amount, tax_total=Money.zero("EUR"), gross_total=amount)
    return encode(new_envelope(payload, aggregate_id=f"inv-{number}", aggregate_version=1,
                               customer_id=customer, occurred_at=issued, producer="invoicing"))


def iban(customer: str) -> str:
    return f"FR76300060000{int(customer[2:]):011d}189"


def entry(n: int, amount: Decimal, payer: str, text: str) -> str:
    return (f"<Ntry><NtryRef>E-{n:07d}</NtryRef><Amt Ccy=\"EUR\">{amount}</Amt>"
            "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-10-05</Dt></BookgDt>"
            "<ValDt><Dt>2026-10-05</Dt></ValDt><NtryDtls><TxDtls><RltdPties>"
            f"<Dbtr><Nm>Payer {payer}</Nm></Dbtr><DbtrAcct><Id><IBAN>{payer}</IBAN></Id></DbtrAcct>"
            f"</RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")


def statement(n: int, open_invoices: list[tuple[str, str, Decimal]], rng: random.Random
              ) -> tuple[bytes, dict[str, int]]:
    """A camt.053.001.08 of `n` entries, each invoice paid at most once."""
    owed: dict[str, list[tuple[str, str, Decimal]]] = {}
    for inv in open_invoices:
        owed.setdefault(inv[0], []).append(inv)
    customers = list(owed)
    seen: list[str] = []  # customers whose account paid with a reference already
    kinds = {"reference": 0, "amount_only": 0, "combination": 0, "unknown": 0}
    entries = []

    def next_of(pool: list[str], at_least: int) -> str | None:
        while pool:
            customer = pool[rng.randrange(len(pool))]
            if len(owed[customer]) >= at_least:
                return customer
            if not owed[customer]:
                pool.remove(customer)
            elif at_least == 1 or rng.random() < 0.5:
                return None
        return None

    for i in range(n):
        roll = rng.random()
        customer = (next_of(seen, 1) if 0.20 <= roll < 0.45 else
                    next_of(customers, 2) if 0.45 <= roll < 0.60 else
                    next_of(customers, 1) if roll >= 0.60 else None)
        if customer is None:
            entries.append(entry(i, Decimal(rng.randrange(1_000, 90_000)) / 100,
                                 f"DE8937040044{rng.randrange(10**10):010d}", "see our letter"))
            kinds["unknown"] += 1
            continue
        kind = ("amount_only" if roll < 0.45 else "combination" if roll < 0.60 else "reference")
        paid = [owed[customer].pop() for _ in range(2 if kind == "combination" else 1)]
        text = ("October payment" if kind == "amount_only"
                else "Payment " + " ".join(x[1] for x in paid))
        entries.append(entry(i, sum((x[2] for x in paid), Decimal(0)), iban(customer), text))
        kinds[kind] += 1
        if kind == "reference" and customer not in seen:
            seen.append(customer)
    doc = ('<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:'
           'xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>'
           '2026-10-05T18:00:00Z</CreDtTm></GrpHdr><Stmt><Id>BENCH-2026-10-05</Id>'
           '<ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-10-05T18:00:00Z</CreDtTm>'
           '<Acct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id><Ccy>EUR</Ccy></Acct>'
           + "".join(entries) + "</Stmt></BkToCstmrStmt></Document>")
    return doc.encode(), kinds


def raw_parse_rate(raw: bytes) -> float:
    """Entries per second the stdlib's streaming XML parser reads, doing nothing else."""
    started, count = time.perf_counter(), 0
    for _, element in iterparse(io.BytesIO(raw)):
        if element.tag.endswith("Ntry"):
            count += 1
            element.clear()
    return count / (time.perf_counter() - started)


async def until(check: Any, within_s: float, what: str) -> float:
    started = time.perf_counter()
    while not await check():
        if time.perf_counter() - started > within_s:
            raise TimeoutError(f"{what} not reached in {within_s} s")
        await asyncio.sleep(0.5)
    return time.perf_counter() - started


async def run(entries: int, m: int, customers: int, seed: int) -> dict[str, Any]:
    os.environ.setdefault("LEDGERLINE_AUTH_JWT_SECRET", secrets.token_urlsafe(32))
    os.environ["LEDGERLINE_STATEMENT_MAX_REQUEST_BYTES"] = str(1024 * 1024 * 1024)
    from ledgerline_events.runtime.auth import ROLES, mint_token
    from ledgerline_ops.in_process import running_services

    rng = random.Random(seed)
    book = invoices(m, customers, rng)
    raw, kinds = statement(entries, book, rng)
    parse_rate = raw_parse_rate(raw)  # before the services start: the machine is quiet
    prefix = f"bst{uuid.uuid4().hex[:6]}"
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], "bench", sorted(ROLES))
    results: dict[str, Any] = {"entries": entries, "invoices": m, "customers": customers,
                               "raw_parse_entries_per_s": round(parse_rate)}
    async with running_services(KAFKA, PG, prefix,
                                headers={"Authorization": f"Bearer {token}"},
                                only=("cash-application", "collections")) as s:
        producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks=1, linger_ms=20,
                                    max_batch_size=1 << 20)
        await producer.start()
        started = time.perf_counter()
        for customer, number, gross in book:
            await producer.send(s.topics.invoicing, invoice_event(customer, number, gross),
                                key=customer.encode())
        await producer.flush()
        await producer.stop()
        results["publish_s"] = round(time.perf_counter() - started, 1)
        db = await asyncpg.connect(PG)

        async def all_open() -> bool:
            cash = await db.fetchval(f'SELECT count(*) FROM "{prefix}_cash_application_read".open_item')
            ageing = await db.fetchval(f'SELECT count(*) FROM "{prefix}_collections_read".invoice')
            return bool(cash == m and ageing == m)
        results["invoices_known_s"] = round(await until(all_open, 1800, "open invoices"), 1)

        results.update(file_mb=round(len(raw) / 1e6, 1), mix=kinds)
        before = Decimal((await s.clients["collections"].get("/ageing")).json()
                         ["currencies"]["EUR"]["total"])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        if profile:
            profile.enable()
        started = time.perf_counter()
        answer = await s.clients["cash-application"].post(
            "/statements", params={"format": "camt053"}, content=raw,
            headers={"Content-Type": "application/xml"}, timeout=3600)
        results["import_s"] = round(time.perf_counter() - started, 1)
        if profile:
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").dump_stats(os.environ["BENCH_PROFILE"])
        assert answer.status_code == 201, answer.text[:500]
        body = answer.json()
        allocated = sum((Decimal(a["amount"]["amount"]) for e in body["entries"]
                         for a in e.get("allocations", [])), Decimal(0))
        results["allocated"] = str(allocated)
        results["outcomes"] = dict(Counter(e["outcome"] for e in body["entries"]))

        async def ageing_shows_it() -> bool:
            now = (await s.clients["collections"].get("/ageing")).json()["currencies"]["EUR"]
            return Decimal(now["total"]) == before - allocated
        results["ageing_after_import_s"] = round(await until(ageing_shows_it, 1800, "ageing"), 1)
        results["import_and_ageing_s"] = round(results["import_s"]
                                               + results["ageing_after_import_s"], 1)
        results["import_entries_per_s"] = round(entries / results["import_s"])
        results["rate_vs_raw_parse"] = round(results["import_entries_per_s"]
                                             / results["raw_parse_entries_per_s"], 4)
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        results["rss_growth_in_import_mb"] = round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024)
        await db.close()
    await forget(prefix)
    return results


async def forget(prefix: str) -> None:
    """A run's schemas and topics dropped (a million invoices is a gigabyte of log)."""
    from ledgerline_events.runtime.topics_admin import delete_topics, topic_names

    conn = await asyncpg.connect(PG)
    try:
        for r in await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
                                  f"{prefix}\\_%"):
            await conn.execute(f'DROP SCHEMA "{r[0]}" CASCADE')
    finally:
        await conn.close()
    await delete_topics(KAFKA, [n for n in await topic_names(KAFKA)
                                if n.startswith(f"{prefix}.")])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--entries", type=int, default=50_000)
    p.add_argument("--invoices", type=int, default=100_000)
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--output", type=Path, help="append the figures as a JSON line")
    args = p.parse_args()
    emit(asyncio.run(run(args.entries, args.invoices, args.customers, args.seed)), args.output)


def emit(figures: dict[str, Any], output: Path | None) -> None:
    """The figures on stdout, stamped, and appended as a JSON line to `output` if given."""
    figures["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(figures, indent=1))
    if output:
        with output.open("a") as out:
            out.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
