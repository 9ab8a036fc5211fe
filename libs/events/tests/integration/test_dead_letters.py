"""Dead letters go out once: a batch delivered again (a rebalance re-read, a restart before
the offsets were seen) neither re-applies its events nor re-sends its dead letters."""

from collections.abc import Sequence
from decimal import Decimal

import asyncpg
import pytest

from ledgerline_events.contract import Envelope, Topics, encode
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.runtime import BatchApplier, Record, RejectedEvent
from ledgerline_events.runtime.projection import DeadLetter, install_read_schema

from ..sample import InvoiceOpenAmounts, invoice
from .conftest import rows

pytestmark = pytest.mark.integration


class RefusesZeroInvoices(InvoiceOpenAmounts):
    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for e in events:
            if isinstance(e.payload, InvoiceIssued) and e.payload.gross_total.is_zero:
                raise RejectedEvent(e, "an invoice must be for a positive amount")
        await super().apply(conn, events)


async def test_a_redelivered_batch_dead_letters_its_rejected_event_once(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics,
) -> None:
    schema, projection = f"{schema_prefix}read", RefusesZeroInvoices()
    async with pg_pool.acquire() as conn, conn.transaction():
        await install_read_schema(conn, schema, [projection])
    sent: list[DeadLetter] = []

    async def sink(dead: Sequence[DeadLetter]) -> None:
        sent.extend(dead)

    applier = BatchApplier(pg_pool, schema, [projection], topics, dead_letter=sink)
    batch = [Record(topics.invoicing, 0, offset, None, value) for offset, value in enumerate(
        [encode(invoice("i-1", "10.00")), b"{truncated", encode(invoice("i-0", "0.00")),
         encode(invoice("i-2", "20.00"))])]

    first = await applier.apply(batch)
    again = await applier.apply(batch)

    assert (first.applied, first.dead_lettered) == (2, 2)
    assert (again.applied, again.dead_lettered) == (0, 0)
    assert sorted(d.reason.split(":")[0] for d in sent) == ["not JSON", "rejected"]
    assert [r[0] for r in await rows(pg_pool, schema)] == ["i-1", "i-2"]


async def test_an_event_id_reused_with_other_content_is_dead_lettered_not_dropped(
    pg_pool: asyncpg.Pool, schema_prefix: str, topics: Topics,
) -> None:
    """A redelivery (same bytes) is a duplicate; another event under an applied id (here an
    invoice for 10 000 instead of 10, in a later batch and inside one batch) is dead-lettered
    with the reason, and the event first applied stays."""
    schema, projection = f"{schema_prefix}read", InvoiceOpenAmounts()
    async with pg_pool.acquire() as conn, conn.transaction():
        await install_read_schema(conn, schema, [projection])
    sent: list[DeadLetter] = []

    async def sink(dead: Sequence[DeadLetter]) -> None:
        sent.extend(dead)

    applier = BatchApplier(pg_pool, schema, [projection], topics, dead_letter=sink)
    original = invoice("i-1", "10.00")
    forged = encode(original.model_copy(update={"payload": invoice("i-1", "10000.00").payload}))
    other = invoice("i-2", "20.00")
    forged_other = encode(other.model_copy(update={"payload": invoice("i-2", "1.00").payload}))

    def record(offset: int, value: bytes) -> Record:
        return Record(topics.invoicing, 0, offset, None, value)

    first = await applier.apply([record(0, encode(original)), record(1, encode(other)),
                                 record(2, forged_other)])
    later = await applier.apply([record(3, encode(original)), record(4, forged)])

    assert (first.applied, first.dead_lettered, first.duplicates) == (2, 1, 0)
    assert (later.applied, later.dead_lettered, later.duplicates) == (0, 1, 1)
    assert [d.record.offset for d in sent] == [2, 4]
    assert all("reused with other content" in d.reason for d in sent)
    assert [(r[0], r[1]) for r in await rows(pg_pool, schema)] == [
        ("i-1", Decimal("10.00")), ("i-2", Decimal("20.00"))]
