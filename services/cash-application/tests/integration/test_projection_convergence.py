"""The cash ledger reaches the same rows whatever the interleaving of topics (each topic's own
order kept): an allocation seen before its invoice, a reversal before the payment, a clearing
decision before the document it decides."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from ledgerline_cash.projections.cash_ledger import CashLedger
from ledgerline_events.contract import Envelope, Event, Money, new_envelope
from ledgerline_events.contract import cash_application as cash
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.invoicing import CreditNoteIssued, InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
from ledgerline_events.runtime import set_search_path
from ledgerline_events.runtime.projection import install_read_schema

pytestmark = pytest.mark.integration
AT = datetime(2026, 3, 6, tzinfo=UTC)
EUR = "EUR"


def env(payload: Event, customer: str | None, aggregate: str, version: int) -> Envelope:
    return new_envelope(payload, aggregate_id=aggregate, aggregate_version=version,
                        customer_id=customer, occurred_at=AT, producer="test")


def streams() -> list[list[Envelope]]:
    gross = Money.of("300.00", EUR)
    invoicing = [
        env(InvoiceIssued(
            invoice_id="i-1", invoice_number="INV-1",
            customer=Customer(customer_id="C-1", name="C"), currency=EUR,
            issue_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
            payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
            lines=[InvoiceLine(description="x", quantity=Decimal(1), unit_price=Decimal(300),
                               tax_rate=Decimal(0), net=Decimal(300), tax=Decimal(0))],
            net_total=gross, tax_total=Money.of(0, EUR), gross_total=gross), "C-1", "i-1", 1),
        env(CreditNoteIssued(credit_note_id="cn", credit_note_number="CN-1", invoice_id="i-1",
                             amount=Money.of("50.00", EUR), reason="r",
                             issue_date=date(2026, 3, 2)), "C-1", "i-1", 2),
    ]
    payment = [
        env(cash.PaymentReceived(payment_id="p-1", amount=Money.of("200.00", EUR),
                                 received_on=date(2026, 3, 5),
                                 method=cash.PaymentMethod.BANK_TRANSFER), None, "p-1", 1),
        env(cash.CreditNoteApplied(credit_note_id="cn", credit_note_number="CN-1", invoice_id="i-1",
                                   credit_id="CR-cn",
                                   amount=Money.of("50.00", EUR), applied=Money.of("50.00", EUR),
                                   to_account=Money.of("0.00", EUR),
                                   applied_on=date(2026, 3, 2)), "C-1", "CR-cn", 1),
        env(cash.PaymentAllocated(allocation_id="a-1", payment_id="p-1", invoice_id="i-1",
                                  amount=Money.of("100.00", EUR),
                                  match_reason=cash.MatchReason.MANUAL,
                                  allocated_on=date(2026, 3, 6)), "C-1", "p-1", 2),
        env(cash.AllocationReversed(allocation_id="a-1", payment_id="p-1", invoice_id="i-1",
                                    amount=Money.of("100.00", EUR), reason="r",
                                    reversed_on=date(2026, 3, 6)), "C-1", "p-1", 3),
        env(cash.PaymentAllocated(allocation_id="a-2", payment_id="p-1", invoice_id="i-1",
                                  amount=Money.of("150.00", EUR),
                                  match_reason=cash.MatchReason.MANUAL,
                                  allocated_on=date(2026, 3, 6)), "C-1", "p-1", 4),
        env(cash.WriteOffApplied(write_off_id="w", invoice_id="i-1",
                                 amount=Money.of("20.00", EUR), applied=Money.of("20.00", EUR),
                                 applied_on=date(2026, 3, 7)), "C-1", "clearing:write_off:w", 1),
    ]
    collections = [
        env(DebtWrittenOff(write_off_id="w", invoice_id="i-1", amount=Money.of("20.00", EUR),
                           reason="r", approver="a", written_off_on=date(2026, 3, 7)),
            "C-1", "w", 1),
    ]
    # An unidentified payment is keyed by its id, its later events by the customer: two
    # partitions, so no order between them either.
    return [invoicing, payment[:1], payment[1:], collections]


def interleavings(streams: list[list[Envelope]]) -> list[list[Envelope]]:
    """A few merges that keep each stream's order: each stream first, and round-robin."""
    merges = [list(itertools.chain(*order)) for order in itertools.permutations(streams)]
    merges.append([e for group in itertools.zip_longest(*streams) for e in group if e])
    return merges


async def snapshot(conn: asyncpg.Connection) -> tuple[list[tuple[object, ...]], ...]:
    tables = ("open_item", "payment", "allocation", "movement ORDER BY 1, 3")
    rows = [await conn.fetch(f"SELECT * FROM {t} ORDER BY 1") if "ORDER" not in t
            else await conn.fetch(f"SELECT * FROM {t}") for t in tables]
    rows.append(await conn.fetch("SELECT * FROM clearing_document ORDER BY 1"))
    return tuple([tuple(r) for r in table] for table in rows)


async def test_same_rows_whatever_the_interleaving(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    results = []
    for n, events in enumerate(interleavings(streams())):
        schema = f"{schema_prefix}order_{n}"
        async with pg_pool.acquire() as conn, conn.transaction():
            ledger = CashLedger()
            await install_read_schema(conn, schema, [ledger])
            for e in events:  # one at a time: the worst case for early arrivals
                await ledger.apply(conn, [e])
            results.append(await snapshot(conn))
    assert all(r == results[0] for r in results)
    open_items, payments, *_ = results[0]
    assert open_items[0][-1] == Decimal("80.00")  # 300 - 50 credit - 150 allocated - 20 w/o
    assert payments[0][1] == "C-1"  # attributed to the customer, though received unidentified


def batchings(events: list[Envelope]) -> list[list[list[Envelope]]]:
    """The whole merge as one batch, pairs, threes, and an uneven cut."""
    whole = [events]
    sized = [[events[i:i + n] for i in range(0, len(events), n)] for n in (2, 3)]
    uneven = [events[:1], events[1:5], events[5:]]
    return [whole, *sized, uneven]


async def test_same_rows_whatever_the_batching(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    """A batch is folded in memory and written once per table: the rows must be those of
    one event at a time, for every interleaving and every way of cutting it into batches."""
    reference = None
    for n, events in enumerate(interleavings(streams())):
        for m, batches in enumerate(batchings(events)):
            schema = f"{schema_prefix}batch_{n}_{m}"
            async with pg_pool.acquire() as conn, conn.transaction():
                ledger = CashLedger()
                await install_read_schema(conn, schema, [ledger])
                for batch in batches:
                    await ledger.apply(conn, batch)
                found = await snapshot(conn)
            if reference is None:
                async with pg_pool.acquire() as conn, conn.transaction():
                    await conn.execute(f'CREATE SCHEMA "{schema}_one"')
                    await set_search_path(conn, f"{schema}_one")
                    await ledger.install(conn)
                    for e in events:
                        await ledger.apply(conn, [e])
                    reference = await snapshot(conn)
            assert found == reference, (n, m)
