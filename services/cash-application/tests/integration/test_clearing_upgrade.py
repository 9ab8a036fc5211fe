"""A store written before clearing existed holds credit notes and write-offs without decisions,
some of them over-settling their invoice. Its ledger replayed leaves them pending; the live
ledger's clearing then decides them: the invoice reads zero, the excess is credit on account,
and no history is rewritten (docs/clearing.md, "Existing data")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from ledgerline_cash.application.clearing import Clearing
from ledgerline_cash.application.queries import CashQueries
from ledgerline_cash.projections.cash_ledger import CashLedger
from ledgerline_events.contract import Envelope, Event, Money, new_envelope
from ledgerline_events.contract import cash_application as cash
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.invoicing import CreditNoteIssued
from ledgerline_events.runtime import EventStore
from ledgerline_events.runtime.projection import install_read_schema

from .conftest import invoice

pytestmark = pytest.mark.integration
AT = datetime(2026, 3, 6, 9, tzinfo=UTC)


def env(payload: Event, aggregate: str, version: int = 1) -> Envelope:
    return new_envelope(payload, aggregate_id=aggregate, aggregate_version=version,
                        customer_id="C-1", occurred_at=AT, producer="old-version")


def old_history() -> list[Envelope]:
    """Paid in full, then credited 100.00 and written off 20.00 by services that decided on
    their own lagging views: the old read models showed -120.00."""
    eur = "EUR"
    return [
        env(invoice("i-1", "C-1", "INV-1", "100.00", date(2026, 3, 31), date(2026, 3, 1),
                    None), "i-1"),
        env(cash.PaymentReceived(payment_id="p-1", amount=Money.of("100.00", eur),
                                 received_on=date(2026, 3, 5),
                                 method=cash.PaymentMethod.BANK_TRANSFER), "p-1"),
        env(cash.PaymentAllocated(allocation_id="a-1", payment_id="p-1", invoice_id="i-1",
                                  amount=Money.of("100.00", eur), match_reason=cash.MatchReason.MANUAL,
                                  allocated_on=date(2026, 3, 6)), "p-1", 2),
        env(CreditNoteIssued(credit_note_id="cn-1", credit_note_number="CN-1", invoice_id="i-1",
                             amount=Money.of("100.00", eur), reason="returned",
                             issue_date=date(2026, 3, 6)), "i-1", 2),
        env(DebtWrittenOff(write_off_id="w-1", invoice_id="i-1", amount=Money.of("20.00", eur),
                           reason="small balance", approver="cfo",
                           written_off_on=date(2026, 3, 6)), "w-1"),
    ]


async def test_an_over_settled_invoice_of_an_old_store_reads_zero_with_the_excess_on_account(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    read, write = f"{schema_prefix}cash_read", f"{schema_prefix}cash"
    store = EventStore(pg_pool, write, producer="cash-application")
    await store.install()
    async with pg_pool.acquire() as conn, conn.transaction():
        ledger = CashLedger()  # a replay: reads the log, decides nothing
        await install_read_schema(conn, read, [ledger])
        await ledger.apply(conn, old_history())
    queries = CashQueries(pg_pool, read)
    pending = (await queries.invoice("i-1") or {})["documents"]
    assert [d["decided"] for d in pending] == [False, False]

    async with pg_pool.acquire() as conn, conn.transaction():
        decided = await Clearing(store, read).clear_pending(conn)
    assert decided == 2
    async with pg_pool.acquire() as conn, conn.transaction():
        assert await Clearing(store, read).clear_pending(conn) == 0  # decided once, ever

    view = await queries.invoice("i-1") or {}
    assert (view["open_amount"]["amount"], view["status"]) == ("0.00", "paid")
    assert [(d["kind"], d["applied"]["amount"]) for d in view["documents"]] == [
        ("credit_note", "0.00"), ("write_off", "0.00")]
    [currency] = await queries.balance("C-1")
    assert currency["unapplied_cash"]["amount"] == "100.00"  # the credit note, on account
    decisions = [e.payload for e in await store.read_all()]
    assert [type(d) for d in decisions] == [cash.CreditNoteApplied, cash.WriteOffApplied]
    assert all(d.applied.amount == Decimal(0) for d in decisions)  # type: ignore[attr-defined]
