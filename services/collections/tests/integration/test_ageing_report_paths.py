"""The ageing report "now", from the projection's roll-ups, gives to the cent what summing
every open item's movements gives at the same instant: totals, customer pages, counts and the
overdue ranking, in several currencies, with credit notes cleared (some beyond the invoice), partial
and full payments, write-offs, payments seen before their invoice and duplicate deliveries."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from ledgerline_collections.adapters.ageing_report import Page, ageing, from_movements, from_roll_ups
from ledgerline_collections.adapters.read_model import ReadModel
from ledgerline_collections.domain.ageing import AgeingBuckets
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_events.contract import Envelope, Money, new_envelope
from ledgerline_events.contract.cash_application import CreditNoteApplied, WriteOffApplied
from ledgerline_events.runtime import set_search_path
from ledgerline_events.runtime.projection import install_read_schema

from .events import allocated, invoice_issued
from .test_running_balance import ROLL_UPS

pytestmark = pytest.mark.integration

START = datetime(2026, 1, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 9, 1, 12, tzinfo=UTC)  # after every movement
BUCKETS = AgeingBuckets()
CURRENCY_MIXES = [["EUR"], ["EUR"], ["EUR", "USD"], ["GBP"], ["USD", "GBP"]]


def credit_note(invoice_id: str, customer: str, amount: Decimal, open_: Decimal, currency: str,
                at: datetime) -> Envelope:
    """Cash application's clearing of a credit note: what exceeds the open amount goes on
    account, which is not an open item of the invoice."""
    applied = min(amount, open_)
    event = CreditNoteApplied(credit_note_id=f"cn-{invoice_id}", credit_note_number="CN",
                              invoice_id=invoice_id, credit_id=f"CR-cn-{invoice_id}",
                              amount=Money.of(str(amount), currency),
                              applied=Money.of(str(applied), currency),
                              to_account=Money.of(str(amount - applied), currency),
                              applied_on=at.date())
    return new_envelope(event, aggregate_id=invoice_id, aggregate_version=2,
                        customer_id=customer, occurred_at=at, producer="cash-application")


def written_off(invoice_id: str, customer: str, amount: Decimal, currency: str,
                at: datetime) -> Envelope:
    event = WriteOffApplied(write_off_id=f"w-{invoice_id}", invoice_id=invoice_id,
                            amount=Money.of(str(amount), currency),
                            applied=Money.of(str(amount), currency), applied_on=at.date())
    return new_envelope(event, aggregate_id=invoice_id, aggregate_version=3,
                        customer_id=customer, occurred_at=at, producer="cash-application")


def ledger(rng: random.Random) -> tuple[list[Envelope], list[Envelope]]:
    """Invoicing events, and the movements other topics send about the same invoices."""
    invoicing: list[Envelope] = []
    others: list[Envelope] = []
    for n in range(260):
        customer = f"C{n:03d}"
        for k in range(rng.randint(1, 4)):
            currency = rng.choice(CURRENCY_MIXES[n % len(CURRENCY_MIXES)])
            invoice_id, gross = f"i-{customer}-{k}", Decimal(rng.randint(1000, 900000)) / 100
            issued = START + timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 9))
            due = issued.date() + timedelta(days=rng.choice([0, 14, 30, 60]))
            invoicing.append(invoice_issued(invoice_id, customer, str(gross), due, issued, currency))
            later = issued + timedelta(days=rng.randint(1, 20))
            fate = rng.random()
            if fate < 0.25:  # paid in full
                others.append(allocated(f"a-{invoice_id}", invoice_id, customer, str(gross), later,
                                        currency))
            elif fate < 0.55:  # paid in part
                others.append(allocated(f"a-{invoice_id}", invoice_id, customer,
                                        str((gross / 3).quantize(Decimal("0.01"))), later, currency))
            elif fate < 0.65:  # credited beyond what was invoiced: the excess goes on account
                others.append(credit_note(invoice_id, customer, gross + 10, gross, currency, later))
            elif fate < 0.75:
                quarter = (gross / 4).quantize(Decimal("0.01"))
                others.append(credit_note(invoice_id, customer, quarter, gross, currency, later))
                others.append(written_off(invoice_id, customer, gross - quarter, currency,
                                          later + timedelta(days=1)))
    for n in range(260, 300):  # owing the most, nothing yet due: ranked past them by overdue
        invoicing.append(invoice_issued(f"i-C{n}-big", f"C{n}", f"{n}0000.00",
                                        NOW.date() + timedelta(days=30), NOW - timedelta(days=1)))
    return invoicing, others


def deliveries(seed: int) -> list[list[Envelope]]:
    """Half the payments and write-offs before any invoice, in batches; then some of
    everything again."""
    rng = random.Random(seed)
    invoicing, others = ledger(rng)
    stream = others[: len(others) // 2] + invoicing + others[len(others) // 2:]
    batches = [stream[i:i + 97] for i in range(0, len(stream), 97)]
    return [*batches, rng.sample(stream, 80), batches[3]]


async def projected(pool: asyncpg.Pool, schema: str, batches: list[list[Envelope]]) -> ReadModel:
    async with pool.acquire() as conn, conn.transaction():
        projection = Receivables()
        await install_read_schema(conn, schema, [projection])
        for batch in batches:
            await projection.apply(conn, batch)
    return ReadModel(pool, schema)


PAGES = [Page(), Page(limit=7), Page(limit=0), Page(limit=20, after="C100"),
         Page("overdue", 1), Page("overdue", 5), Page("overdue", 150), Page("overdue", 1000)]


async def test_report_now_from_roll_ups_equals_the_report_from_every_movement(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    read = await projected(pg_pool, f"{schema_prefix}paths", deliveries(seed=5))
    async with read.connection() as conn:
        for currency in (None, "EUR", "GBP", "CHF"):
            for page in PAGES:
                fast = await from_roll_ups(conn, BUCKETS, NOW, currency, page)
                slow = await from_movements(conn, BUCKETS, NOW, currency, None, page)
                assert fast == slow, (currency, page)
        whole = await from_movements(conn, BUCKETS, NOW, None, None, Page(limit=1000))
    assert whole["customer_count"] > 200
    assert all(Decimal(c["total"]) >= 0 for c in _accounts(whole)), "clearing keeps open >= 0"
    assert await ageing(read, BUCKETS, NOW, None, None, Page()) == await _slow(read, NOW, Page())


async def test_paging_by_customer_id_walks_every_customer_once(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    read = await projected(pg_pool, f"{schema_prefix}pages", deliveries(seed=8))
    whole = await ageing(read, BUCKETS, NOW, None, None, Page(limit=1000))
    seen: dict[str, Any] = {}
    after: str | None = None
    while True:
        body = await ageing(read, BUCKETS, NOW, None, None, Page(limit=40, after=after))
        assert body["currencies"] == whole["currencies"]
        assert body["customer_count"] == whole["customer_count"]
        assert len(body["customers"]) <= 40 and not set(body["customers"]) & set(seen)
        seen.update(body["customers"])
        after = body["page"]["next_after"]
        if after is None:
            break
    assert seen == whole["customers"] and len(seen) == whole["customer_count"]


async def test_a_past_instant_still_reads_only_the_movements_up_to_it(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    read = await projected(pg_pool, f"{schema_prefix}past", deliveries(seed=3))
    then = START + timedelta(days=90)
    for page in (Page(), Page("overdue", 5)):
        assert await ageing(read, BUCKETS, then, None, None, page) == await _slow(read, then, page)
    now = await ageing(read, BUCKETS, NOW, None, None, Page())
    assert (await ageing(read, BUCKETS, then, None, None, Page()))["currencies"] != now["currencies"]


async def test_one_customer_keeps_its_entry_per_currency(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    read = await projected(pg_pool, f"{schema_prefix}one", deliveries(seed=5))
    whole = await ageing(read, BUCKETS, NOW, None, None, Page(limit=1000))
    customer = next(c for c, by_currency in whole["customers"].items() if len(by_currency) == 2)
    body = await ageing(read, BUCKETS, NOW, None, customer, Page())
    assert body["customers"] == {customer: whole["customers"][customer]}
    assert body["customer_count"] == 1
    assert date.fromisoformat(body["as_of_date"]) == NOW.date()


async def _slow(read: ReadModel, at: datetime, page: Page) -> dict[str, Any]:
    async with read.connection() as conn:
        return await from_movements(conn, BUCKETS, at, None, None, page)


def _accounts(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [figures for by_currency in body["customers"].values() for figures in by_currency.values()]


async def test_two_appliers_sharing_the_partitions_keep_the_roll_ups_without_deadlock(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    """As a rebuild in two processes, or two instances of the service: each applies the
    customers of its partitions, batch by batch, into the same schema; both touch the rows
    of a currency's due dates and counts at the same time."""
    schema = f"{schema_prefix}shared"
    await projected(pg_pool, schema, [])
    events = [e for batch in deliveries(seed=13) for e in batch]
    halves = [[e for e in events if int(e.customer_id[1:]) % 2 == side] for side in (0, 1)]

    async def applier(share: list[Envelope]) -> None:
        async with pg_pool.acquire() as conn:
            for start in range(0, len(share), 40):
                async with conn.transaction():
                    await set_search_path(conn, schema)
                    await Receivables().apply(conn, share[start:start + 40])

    await asyncio.gather(*(applier(half) for half in halves))
    async with pg_pool.acquire() as conn, conn.transaction():
        await set_search_path(conn, schema)
        for rolled, recomputed in ROLL_UPS:
            assert [tuple(r) for r in await conn.fetch(rolled)] == [
                tuple(r) for r in await conn.fetch(recomputed)]
