"""The running open amount per invoice (batched writes) always equals the sum of its dated
movements, whatever the interleaving, batching and redelivery; and open items as of any
instant read from it give what summing the movements gives."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline_collections.adapters.read_model import ReadModel
from ledgerline_collections.projections.receivables import Receivables
from ledgerline_events.contract import Envelope, Money, new_envelope
from ledgerline_events.contract.cash_application import CreditNoteApplied
from ledgerline_events.runtime import set_search_path
from ledgerline_events.runtime.projection import install_read_schema

from .events import allocated, invoice_issued, write_off_applied

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
DUE = date(2026, 3, 31)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def credit_note(invoice_id: str, amount: str, at: datetime) -> Envelope:
    """Cash application's clearing of a credit note within what is open."""
    event = CreditNoteApplied(credit_note_id=f"cn-{invoice_id}-{amount}",
                              credit_note_number="CN", invoice_id=invoice_id,
                              credit_id=f"CR-cn-{invoice_id}-{amount}",
                              amount=Money.of(amount, "EUR"), applied=Money.of(amount, "EUR"),
                              to_account=Money.zero("EUR"), applied_on=at.date())
    return new_envelope(event, aggregate_id=invoice_id, aggregate_version=2,
                        customer_id="C1", occurred_at=at, producer="cash-application")


def written_off(invoice_id: str, amount: str, at: datetime) -> Envelope:
    return write_off_applied(f"w-{invoice_id}", invoice_id, "C2", amount, at)


STREAMS = [
    [invoice_issued("i-1", "C1", "100.00", DUE, day(0)),
     invoice_issued("i-2", "C1", "250.00", DUE, day(1)),
     credit_note("i-1", "10.00", day(3)),
     invoice_issued("i-3", "C2", "80.00", DUE, day(2), currency="USD"),
     invoice_issued("i-4", "C2", "40.00", DUE, day(6))],
    [allocated("a-1", "i-1", "C1", "90.00", day(4)),
     allocated("a-2", "i-2", "C1", "100.00", day(2)),
     allocated("a-3", "i-3", "C2", "80.00", day(5), currency="USD")],
    [written_off("i-4", "40.00", day(7))],
]
INSTANTS = [day(-1), day(0), day(1) + timedelta(hours=1), day(2), day(3), day(4), day(6),
            day(30)]

# The open items as of $1 computed from the movements alone (what the report did before the
# running balance): the reference.
FROM_MOVEMENTS = """
    SELECT i.invoice_id, sum(m.delta) AS open_amount
    FROM invoice i JOIN invoice_movement m USING (invoice_id)
    WHERE i.issued_at <= $1 AND m.occurred_at <= $1
    GROUP BY i.invoice_id HAVING sum(m.delta) <> 0 ORDER BY 1
"""

# Each roll-up of the balances of known invoices, as kept batch by batch and as recomputed,
# row for row (settled keys at zero included): the same whatever the batching, so a replay
# equals the live tables.
ROLL_UPS = [
    ("SELECT currency, due_date, open_amount, open_items FROM ageing_due ORDER BY 1, 2",
     "SELECT i.currency, i.due_date, sum(b.open_amount), count(*) FILTER (WHERE b.open_amount <> 0)"
     " FROM invoice i JOIN invoice_balance b USING (invoice_id) GROUP BY 1, 2 ORDER BY 1, 2"),
    ("SELECT customer_id, currency, open_amount, open_positive, open_items FROM customer_open"
     " ORDER BY 1, 2",
     "SELECT i.customer_id COLLATE \"C\", i.currency, sum(b.open_amount),"
     " sum(greatest(b.open_amount, 0)), count(*) FILTER (WHERE b.open_amount <> 0)"
     " FROM invoice i JOIN invoice_balance b USING (invoice_id) GROUP BY 1, 2 ORDER BY 1, 2"),
    ("SELECT currency, customers FROM open_customers ORDER BY 1",
     "SELECT currency, count(*) FILTER (WHERE open_items > 0) FROM customer_open GROUP BY 1"
     " UNION ALL SELECT '', count(DISTINCT customer_id) FILTER (WHERE open_items > 0)"
     " FROM customer_open ORDER BY 1"),
]


@st.composite
def deliveries(draw: st.DrawFn) -> list[list[Envelope]]:
    """A merge keeping each stream's order, cut into batches, some events delivered again."""
    queues = [list(s) for s in STREAMS]
    merged: list[Envelope] = []
    while any(queues):
        merged.append(draw(st.sampled_from([q for q in queues if q])).pop(0))
    cuts = sorted(set(draw(st.lists(st.integers(1, len(merged) - 1), max_size=5))))
    batches = [merged[a:b] for a, b in zip([0, *cuts], [*cuts, len(merged)], strict=True)]
    again = draw(st.lists(st.sampled_from(merged), max_size=4))
    return [*batches, again] if again else batches


async def check(dsn: str, schema: str, batches: list[list[Envelope]]) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    assert pool is not None
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
            await set_search_path(conn, schema)  # SET LOCAL: for this transaction
            projection = Receivables()
            await projection.install(conn)
            for batch in batches:
                async with conn.transaction():  # a savepoint per batch
                    await projection.apply(conn, batch)
            balances = await conn.fetch("SELECT invoice_id, open_amount, last_moved_at"
                                        " FROM invoice_balance ORDER BY 1")
            summed = await conn.fetch("SELECT invoice_id, sum(delta), max(occurred_at)"
                                      " FROM invoice_movement GROUP BY 1 ORDER BY 1")
            assert [tuple(r) for r in balances] == [tuple(r) for r in summed]
            for rolled, recomputed in ROLL_UPS:
                assert [tuple(r) for r in await conn.fetch(rolled)] == [
                    tuple(r) for r in await conn.fetch(recomputed)]
            expected = {t: [tuple(r) for r in await conn.fetch(FROM_MOVEMENTS, t)]
                        for t in INSTANTS}
        read = ReadModel(pool, schema)
        for t in INSTANTS:
            items = await read.open_items(t)
            assert sorted((i.invoice_id, i.open_amount) for i in items) == expected[t], t
        assert [i.invoice_id for i in await read.open_items(day(30), "USD")] == []
        assert {i.invoice_id for i in await read.open_items(day(3), None, "C1")} == {"i-1", "i-2"}
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await pool.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=deliveries())
def test_running_balance_matches_the_movements(
    batches: list[list[Envelope]], pg_dsn: str, unique_id: str
) -> None:
    asyncio.run(check(pg_dsn, f"t_{unique_id}_balance", batches))


async def test_an_older_schema_gets_its_balances_and_roll_ups_from_the_log(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    schema = f"{schema_prefix}older"
    async with pg_pool.acquire() as conn, conn.transaction():
        projection = Receivables()
        await install_read_schema(conn, schema, [projection])
        await projection.apply(conn, [e for s in STREAMS for e in s])
        # as left by the previous versions: no balances, no roll-ups
        await conn.execute("DROP TABLE invoice_balance, ageing_due, customer_open, open_customers")
        await projection.install(conn)
        assert [tuple(r) for r in await conn.fetch(
            "SELECT customer_id, currency, open_amount, open_items FROM customer_open"
            " ORDER BY 1, 2")] == [("C1", "EUR", 150, 1), ("C2", "EUR", 0, 0), ("C2", "USD", 0, 0)]
        assert await conn.fetchval("SELECT customers FROM open_customers WHERE currency = ''") == 1
        assert await conn.fetchval("SELECT open_amount FROM invoice_balance"
                                   " WHERE invoice_id = 'i-1'") == 0
        assert await conn.fetchval("SELECT open_amount FROM invoice_balance"
                                   " WHERE invoice_id = 'i-2'") == 150
