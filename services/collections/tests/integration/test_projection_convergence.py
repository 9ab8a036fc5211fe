"""Our projections reach the same state whatever the interleaving of the invoicing,
cash-application and collections topics (each topic's own order kept) and whatever the
batching, including allocations and write-offs seen before their invoice."""

import asyncio
from datetime import UTC, date, datetime

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline_collections.projections.activity import CollectionsActivity
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_events.contract import Envelope, Money, Topics, encode, new_envelope
from ledgerline_events.contract.collections import DebtWrittenOff, DisputeOpened, DisputeReason
from ledgerline_events.runtime import BatchApplier, Record
from ledgerline_events.runtime.projection import install_read_schema

from .events import allocated, invoice_issued

pytestmark = pytest.mark.integration

TOPICS = Topics(prefix="convergence.")
AT = datetime(2026, 3, 1, tzinfo=UTC)


def ours(event: DebtWrittenOff | DisputeOpened, version: int) -> Envelope:
    return new_envelope(event, aggregate_id=f"agg-{version}", aggregate_version=1,
                        customer_id="C1", occurred_at=AT, producer="collections")


STREAMS = {
    TOPICS.invoicing: [
        invoice_issued("i-1", "C1", "100.00", date(2026, 3, 31), AT),
        invoice_issued("i-2", "C1", "250.00", date(2026, 3, 31), AT),
    ],
    TOPICS.cash_application: [
        allocated("a-1", "i-1", "C1", "60.00", AT),
        allocated("a-2", "i-2", "C1", "250.00", AT),
    ],
    TOPICS.collections: [
        ours(DisputeOpened(dispute_id="d-1", invoice_id="i-1", amount=Money.of("40", "EUR"),
                           reason=DisputeReason.OTHER, opened_on=AT.date()), 1),
        ours(DebtWrittenOff(write_off_id="w-1", invoice_id="i-1", amount=Money.of("40", "EUR"),
                            reason="r", approver="cfo", written_off_on=AT.date()), 2),
    ],
}


def records(topic: str) -> list[Record]:
    return [Record(topic, 0, i, e.partition_key, encode(e)) for i, e in enumerate(STREAMS[topic])]


@st.composite
def interleavings(draw: st.DrawFn) -> tuple[list[Record], list[int]]:
    queues = [records(t) for t in STREAMS]
    merged: list[Record] = []
    while any(queues):
        candidates = [q for q in queues if q]
        merged.append(draw(st.sampled_from(candidates)).pop(0))
    cuts = draw(st.lists(st.integers(1, len(merged)), max_size=4))
    return merged, sorted(set(cuts))


async def state_after(dsn: str, schema: str, merged: list[Record], cuts: list[int]) -> list[object]:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    assert pool is not None
    projections = [Receivables(), CollectionsActivity()]
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await install_read_schema(conn, schema, projections)
        applier = BatchApplier(pool, schema, projections, TOPICS)
        for start, end in zip([0, *cuts], [*cuts, len(merged)], strict=True):
            await applier.apply(merged[start:end])
        async with pool.acquire() as conn:
            found = [
                [tuple(r) for r in await conn.fetch(f'SELECT * FROM "{schema}".{sql}')]
                for sql in (
                    "invoice ORDER BY 1",
                    "invoice_movement ORDER BY invoice_id, kind, delta",
                    "customer", "dispute", "write_off",
                )
            ]
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        return found
    finally:
        await pool.close()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=interleavings())
def test_every_interleaving_of_our_topics_ends_in_the_same_state(
    case: tuple[list[Record], list[int]], pg_dsn: str, unique_id: str
) -> None:
    merged, cuts = case
    in_order = [r for t in STREAMS for r in records(t)]
    expected = asyncio.run(state_after(pg_dsn, f"t_{unique_id}_ref", in_order, []))
    assert asyncio.run(state_after(pg_dsn, f"t_{unique_id}_mix", merged, cuts)) == expected
