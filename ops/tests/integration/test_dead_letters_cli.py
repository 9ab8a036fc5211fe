"""`ledgerline dead-letters`: an operator lists what a consumer refused, deploys the fix, and
re-drives the refused event, which is then applied once (and by no one a second time)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Envelope, Money, Topics, encode, new_envelope
from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
from ledgerline_events.runtime import ConsumerRunner, RejectedEvent
from ledgerline_events.testing import eventually

from .cli_run import Ran, ledgerline

pytestmark = pytest.mark.integration


class InvoicesSeen:
    """Counts the invoices it applied; refuses foreign-currency ones until the fix lands."""

    name = "invoices_seen"
    fixed = False

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute("CREATE TABLE IF NOT EXISTS invoice_seen (invoice_id text PRIMARY KEY)")

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for e in events:
            assert isinstance(e.payload, InvoiceIssued)
            if e.payload.currency != "EUR" and not self.fixed:
                raise RejectedEvent(e, f"currency {e.payload.currency} not supported")
            await conn.execute("INSERT INTO invoice_seen VALUES ($1)", e.payload.invoice_id)


def issued(invoice_id: str, currency: str) -> Envelope:
    amount = Money.of("100.00", currency)
    return new_envelope(InvoiceIssued(
        invoice_id=invoice_id, invoice_number=f"INV-{invoice_id}",
        customer=Customer(customer_id="C-1", name="Acme"), currency=currency,
        issue_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[InvoiceLine(description="x", quantity=Decimal(1), unit_price=amount.amount,
                           tax_rate=Decimal(0), net=amount.amount, tax=Decimal(0))],
        net_total=amount, tax_total=Money.zero(currency), gross_total=amount,
    ), aggregate_id=invoice_id, aggregate_version=1, customer_id="C-1", producer="invoicing",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC))


async def dead_letters(capsys: pytest.CaptureFixture[str], env: dict[str, str], *args: str) -> Ran:
    return await ledgerline(capsys, env, "dead-letters", *args)


async def test_a_refused_event_is_listed_then_re_driven_once_the_fix_is_deployed(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics, kafka_bootstrap: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    projection, schema = InvoicesSeen(), f"{schema_prefix}read"
    runner = ConsumerRunner(service="collections", pool=pg_pool, schema=schema,
                            projections=[projection], topics=topics, bootstrap=kafka_bootstrap,
                            group_id=f"{topics.prefix}group")
    await runner.install()
    task = asyncio.create_task(runner.run())
    env = {"LEDGERLINE_KAFKA_BOOTSTRAP": kafka_bootstrap, "LEDGERLINE_TOPIC_PREFIX": topics.prefix}

    async def seen(count: int) -> bool:
        async with pg_pool.acquire() as conn:
            return bool(await conn.fetchval(f'SELECT count(*) FROM "{schema}".invoice_seen') == count)
    try:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        for e in (issued("i-eur", "EUR"), issued("i-chf", "CHF")):
            await producer.send_and_wait(topics.invoicing, encode(e), key=e.partition_key)
        await producer.stop()
        await eventually(lambda: seen(1))
        await eventually(lambda: asyncio.sleep(0, runner.totals.dead_lettered == 1))

        listed = await dead_letters(capsys, env, "list", "collections")
        assert listed.returncode == 0, listed.stderr
        assert "invoicing.InvoiceIssued" in listed.stdout and "currency CHF not supported" in listed.stdout
        assert "1 dead letters" in listed.stdout
        ref = re.search(r"^(\d+:\d+)\s", listed.stdout, re.M)
        assert ref is not None

        unknown = await dead_letters(capsys, env, "replay", "collections", "7:999")
        assert unknown.returncode == 2 and "no dead letter 7:999" in unknown.stderr

        projection.fixed = True
        replayed = await dead_letters(capsys, env, "replay", "collections", ref.group(1))
        assert replayed.returncode == 0, replayed.stderr
        await eventually(lambda: seen(2))
        # Replayed again by mistake: the event id was applied, the copy is dropped.
        again = await dead_letters(capsys, env, "replay", "collections", "--all")
        assert again.returncode == 0, again.stderr
        await eventually(lambda: asyncio.sleep(0, runner.totals.duplicates >= 1))
        assert await seen(2) and runner.totals.dead_lettered == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
