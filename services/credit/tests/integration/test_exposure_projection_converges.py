"""The SQL exposure projection reaches the same figures as the pure fold, whatever the
interleaving of topics and the batch boundaries, and a redelivered batch changes nothing."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import asyncpg
import pytest

from ledgerline_credit.domain.exposure import exposure, payment_behaviour
from ledgerline_credit.domain.receivables import fold
from ledgerline_credit.domain.risk import risk_score
from ledgerline_credit.projections.exposure import ExposureProjection
from ledgerline_events.contract import Envelope
from ledgerline_events.runtime import set_search_path

from ..unit.credit_scenarios import (
    CUSTOMER,
    allocated,
    credit_note,
    dispute_opened,
    dispute_resolved,
    invoice,
    order_delivered,
    order_placed,
    promise_broken,
    reversed_allocation,
    written_off,
)

pytestmark = pytest.mark.integration

TOPICS: list[list[Envelope]] = [
    [order_placed("o1", "700"), order_placed("o2", "250"), order_delivered("o1")],
    [invoice("i1", "1000", due=date(2026, 3, 1)), invoice("i2", "700", order_id="o1"),
     credit_note("cn1", "i1", "100"), invoice("i3", "400", due=date(2026, 2, 1))],
    [allocated("a1", "i1", "900", on=date(2026, 3, 20)), allocated("a2", "i3", "400"),
     reversed_allocation("a2", "i3", "400"), allocated("a3", "i3", "400",
                                                     on=date(2026, 2, 1))],
    [dispute_opened("d1", "i2", "50"), written_off("w1", "i2", "20"), promise_broken("p1"),
     dispute_resolved("d1", "i2"), dispute_opened("d2", "i2", "30")],
]


def interleaving(rng: random.Random) -> list[Envelope]:
    """Each topic's own order kept, topics merged at random."""
    queues = [list(t) for t in TOPICS]
    merged: list[Envelope] = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        merged.append(queue.pop(0))
    return merged


async def project(pool: asyncpg.Pool, schema: str, events: list[Envelope],
                  rng: random.Random) -> dict[str, Any]:
    projection = ExposureProjection()
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute(f'CREATE SCHEMA "{schema}"')
            await set_search_path(conn, schema)
            await projection.install(conn)
        position = 0
        while position < len(events):
            size = rng.randint(1, 4)
            batch = events[position:position + size]
            for _ in range(2 if rng.random() < 0.3 else 1):  # sometimes redelivered
                async with conn.transaction():
                    await set_search_path(conn, schema)
                    await projection.apply(conn, batch)
            position += size
        async with conn.transaction():
            await set_search_path(conn, schema)
            exposure_row = await conn.fetchrow(
                "SELECT open_ar, open_orders, disputed, oldest_due_date FROM customer_exposure "
                "WHERE customer_id = $1 AND currency = 'EUR'", CUSTOMER)
            standing = await conn.fetchrow("SELECT * FROM customer_standing WHERE customer_id = $1",
                                           CUSTOMER)
    assert exposure_row is not None and standing is not None
    return {**dict(exposure_row), **dict(standing)}


async def test_sql_projection_matches_the_pure_fold_in_any_interleaving(
    pg_pool: asyncpg.Pool, schema_prefix: str
) -> None:
    everything = [e for topic in TOPICS for e in topic]
    pure = fold(everything)
    expected_exposure = exposure(pure, CUSTOMER, "EUR")
    behaviour = payment_behaviour(pure, CUSTOMER)
    results = []
    for seed in range(8):
        rng = random.Random(seed)
        results.append(await project(pg_pool, f"{schema_prefix}run{seed}", interleaving(rng), rng))
    first = results[0]
    assert all(r == first for r in results)
    assert (first["open_ar"], first["open_orders"]) == (expected_exposure.open_ar,
                                                        expected_exposure.open_orders)
    assert first["disputed"] == 30
    assert first["oldest_due_date"] == date(2026, 3, 31)  # i2: i1 and i3 are settled
    assert (first["paid_invoices"], first["paid_late"], first["total_days_late"]) == (
        behaviour.paid_invoices, behaviour.paid_late, behaviour.total_days_late)
    assert first["risk_score"] == risk_score(behaviour)
    assert first["net_written_off"] == 20
