"""Across topics Kafka gives no order: the projection must end in the same state for every
interleaving that keeps each topic's own order, and for any batching of it."""

import asyncio

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline_events.contract import Envelope, Topics, encode
from ledgerline_events.runtime import BatchApplier, Record
from ledgerline_events.runtime.projection import install_read_schema

from ..sample import InvoiceOpenAmounts, allocation, invoice

pytestmark = pytest.mark.integration

TOPICS = Topics(prefix="interleaving.")
INVOICES = [invoice("i-1", "100.00"), invoice("i-2", "250.00"), invoice("i-3", "80.00")]
ALLOCATIONS = [allocation("a-1", "i-1", "60.00"), allocation("a-2", "i-2", "250.00"),
               allocation("a-3", "i-1", "40.00"), allocation("a-4", "i-3", "10.00")]


def records(topic: str, events: list[Envelope]) -> list[Record]:
    return [Record(topic, 0, i, e.partition_key, encode(e)) for i, e in enumerate(events)]


@st.composite
def interleavings(draw: st.DrawFn) -> tuple[list[Record], list[int]]:
    """Merge the two topics' streams in any order keeping each one's order; cut into batches."""
    a, b = records(TOPICS.invoicing, INVOICES), records(TOPICS.cash_application, ALLOCATIONS)
    merged: list[Record] = []
    while a or b:
        source = a if (a and (not b or draw(st.booleans()))) else b
        merged.append(source.pop(0))
    cuts = draw(st.lists(st.integers(1, len(merged)), max_size=4))
    return merged, sorted(set(cuts))


async def apply_in_fresh_schema(dsn: str, schema: str, merged: list[Record], cuts: list[int]) -> list[tuple]:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    assert pool is not None
    try:
        projection = InvoiceOpenAmounts()
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await install_read_schema(conn, schema, [projection])
        applier = BatchApplier(pool, schema, [projection], TOPICS)
        for start, end in zip([0, *cuts], [*cuts, len(merged)], strict=True):
            await applier.apply(merged[start:end])
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                f'SELECT invoice_id, gross, allocated FROM "{schema}".invoice_open ORDER BY 1'
            )
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        return [tuple(r) for r in rows]
    finally:
        await pool.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=interleavings())
def test_every_interleaving_of_two_topics_ends_in_the_same_state(
    case: tuple[list[Record], list[int]], pg_dsn: str, unique_id: str
) -> None:
    merged, cuts = case
    in_order = records(TOPICS.invoicing, INVOICES) + records(TOPICS.cash_application, ALLOCATIONS)
    expected = asyncio.run(apply_in_fresh_schema(pg_dsn, f"t_{unique_id}_ref", in_order, []))
    assert asyncio.run(apply_in_fresh_schema(pg_dsn, f"t_{unique_id}_mix", merged, cuts)) == expected
