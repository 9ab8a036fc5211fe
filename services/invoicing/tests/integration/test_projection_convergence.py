"""The register and the customer account reach the same state whatever the interleaving of
the invoicing, cash-application and collections topics (each topic's own order kept)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from ledgerline_events.contract import Envelope
from ledgerline_events.contract.base import Event, new_envelope
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
    WriteOffApplied,
)
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.invoicing import CreditNoteIssued
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
from ledgerline_events.runtime import set_search_path
from ledgerline_invoicing.domain.invoice import IssueInvoice, decide_issue
from ledgerline_invoicing.domain.pricing import LineItem
from ledgerline_invoicing.projections.customer_account import CustomerAccount
from ledgerline_invoicing.projections.invoice_register import InvoiceRegister

pytestmark = pytest.mark.integration
ON = date(2026, 3, 1)


def wrap(payload: Event, producer: str, version: int) -> Envelope:
    return new_envelope(payload, aggregate_id=f"{producer}-agg", aggregate_version=version,
                        customer_id="C-1", producer=producer,
                        occurred_at=datetime(2026, 3, version, tzinfo=UTC))


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def streams() -> list[list[Envelope]]:
    issued = decide_issue(IssueInvoice(
        "inv-1", Customer(customer_id="C-1", name="Acme"), "EUR",
        (LineItem("goods", Decimal(1), Decimal(100), Decimal(20)),),
        PaymentTerms(kind=TermsKind.NET, net_days=30), ON), "INV-2026-000001")[0]
    credit = CreditNoteIssued(credit_note_id="cn-1", credit_note_number="CN-2026-000001",
                              invoice_id="inv-1", amount=eur("20"), reason="damaged",
                              issue_date=date(2026, 3, 3))
    allocated = PaymentAllocated(allocation_id="al-1", payment_id="p-1", invoice_id="inv-1",
                                 amount=eur("58.80"), discount=eur("1.20"),
                                 match_reason=MatchReason.EARLY_PAYMENT_DISCOUNT,
                                 allocated_on=date(2026, 3, 5))
    reversed_ = AllocationReversed(allocation_id="al-1", payment_id="p-1", invoice_id="inv-1",
                                   amount=eur("58.80"), discount=eur("1.20"), reason="bounced",
                                   reversed_on=date(2026, 3, 9))
    again = PaymentAllocated(allocation_id="al-2", payment_id="p-2", invoice_id="inv-1",
                             amount=eur("40"), match_reason=MatchReason.MANUAL,
                             allocated_on=date(2026, 3, 12))
    written_off = DebtWrittenOff(write_off_id="wo-1", invoice_id="inv-1", amount=eur("10"),
                                 reason="small", approver="cfo", written_off_on=date(2026, 3, 20))
    # What cash application's clearing decided of the two documents.
    credit_applied = CreditNoteApplied(
        credit_note_id="cn-1", credit_note_number="CN-2026-000001", invoice_id="inv-1",
        credit_id="CR-cn-1", amount=eur("20"), applied=eur("20"), to_account=eur("0"),
        applied_on=date(2026, 3, 3))
    write_off_applied = WriteOffApplied(write_off_id="wo-1", invoice_id="inv-1",
                                        amount=eur("10"), applied=eur("10"),
                                        applied_on=date(2026, 3, 20))
    return [
        [wrap(issued, "invoicing", 1), wrap(credit, "invoicing", 2)],
        [wrap(credit_applied, "cash-application", 1), wrap(allocated, "cash-application", 2),
         wrap(reversed_, "cash-application", 3), wrap(again, "cash-application", 4),
         wrap(write_off_applied, "cash-application", 5)],
        [wrap(written_off, "collections", 1)],
    ]


def interleavings(topic_streams: list[list[Envelope]], count: int) -> list[list[list[Envelope]]]:
    """Random batchings of the streams, each keeping its own order."""
    rng = random.Random(7)
    found = []
    for _ in range(count):
        queues = [list(s) for s in topic_streams]
        batches: list[list[Envelope]] = []
        while any(queues):
            batch = []
            for _ in range(rng.randint(1, 3)):
                live = [q for q in queues if q]
                if live:
                    batch.append(rng.choice(live).pop(0))
            batches.append(batch)
        found.append(batches)
    return found


async def project(pool: asyncpg.Pool, schema: str, batches: list[list[Envelope]]) -> object:
    projections = [InvoiceRegister(), CustomerAccount()]
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            await set_search_path(conn, schema)
            for p in projections:
                await p.install(conn)
        for batch in batches:
            async with conn.transaction():
                await set_search_path(conn, schema)
                for p in projections:
                    await p.apply(conn, batch)
        invoice = await conn.fetchrow(
            f'SELECT credited, settled, outstanding, status FROM "{schema}".invoice')
        moves = await conn.fetch(
            f'SELECT kind, source_id, amount FROM "{schema}".account_movement ORDER BY 1, 2')
    return tuple(invoice or ()), [tuple(m) for m in moves]


async def test_every_interleaving_gives_the_same_register_and_account(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    results = [
        await project(pg_pool, f"{schema_prefix}{n}", batches)
        for n, batches in enumerate(itertools.chain(
            [[[e] for s in streams() for e in s]],  # invoice first, one by one
            [[[e] for s in reversed(streams()) for e in s]],  # cash and write-off first
            interleavings(streams(), 8),
        ))
    ]
    register, account = results[0]
    assert register == (20, 40, 50, "partially_paid")  # documents count as cleared
    assert len(account) == 8
    assert sum(amount for *_, amount in account) == 50
    assert all(result == results[0] for result in results)
