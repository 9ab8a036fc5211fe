"""A BI tool signs in with the read-only role `ledgerline_reporting` (deploy/local/postgres.sh):
it reads every service's reporting views, their figures equal the API's, a rebuild's swap
keeps them answering, and it cannot write anything or read the tables behind them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from ledgerline_events.testing import eventually

from .stack import Stack, running_stack
from .test_ar_invariant import ACME, BRIE, delivery

pytestmark = pytest.mark.integration
VIEWS = {"invoicing": ["invoices", "invoice_history"],
         "cash_application": ["payments", "allocations"],
         "collections": ["open_items", "ageing", "dunning_letters", "disputes", "promises"],
         "credit": ["credit_exposure"]}


@pytest.fixture
async def stack(kafka_bootstrap: str, pg_dsn: str, unique_id: str) -> AsyncIterator[Stack]:
    async with running_stack(kafka_bootstrap, pg_dsn, f"e2e{unique_id}") as s:
        yield s


def reporting_dsn(pg_dsn: str) -> str:
    return pg_dsn.replace("postgresql://postgres@", "postgresql://ledgerline_reporting@", 1)


async def ageing_in_views(bi: asyncpg.Connection, prefix: str) -> dict[tuple[str, str], Decimal]:
    rows = await bi.fetch(f'SELECT currency, ageing_bucket, open_amount FROM '
                          f'"{prefix}_collections_reporting_v1".ageing')
    return {(r["currency"], r["ageing_bucket"]): r["open_amount"] for r in rows}


async def test_a_bi_tool_reads_the_reporting_views_with_the_read_only_role_and_cannot_write(
    stack: Stack, pg_dsn: str,
) -> None:
    prefix = stack.topics.prefix.rstrip(".")
    await stack.publish(stack.topics.sales_inbound, [
        delivery("O-R1", ACME, "EUR", "1000.00", date(2026, 8, 3)),
        delivery("O-R2", BRIE, "EUR", "300.00", date(2026, 10, 20)),
        delivery("O-R3", ACME, "USD", "250.00", date(2026, 11, 2))])
    api: dict[str, Any] = {}

    async def everything_in_ageing() -> bool:
        api.update(await stack.call("collections", "GET", "/ageing"))
        return sum(Decimal(c["total"]) for c in api["currencies"].values()) == Decimal("1550.00")
    await eventually(everything_in_ageing)

    bi = await asyncpg.connect(reporting_dsn(pg_dsn))
    try:
        for service, views in VIEWS.items():
            for view in views:
                await bi.fetch(f'SELECT * FROM "{prefix}_{service}_reporting_v1".{view}')
        from_api = {(currency, bucket): Decimal(amount)
                    for currency, figures in api["currencies"].items()
                    for bucket, amount in figures["buckets"].items() if Decimal(amount)}
        assert await ageing_in_views(bi, prefix) == from_api
        invoices = await bi.fetch(f'SELECT outstanding FROM "{prefix}_invoicing_reporting_v1".invoices')
        assert sorted(r["outstanding"] for r in invoices) == [Decimal("250.00"), Decimal("300.00"),
                                                               Decimal("1000.00")]
        for refused in (
            f'INSERT INTO "{prefix}_collections_reporting_v1".disputes (dispute_id) VALUES (\'x\')',
            f'DELETE FROM "{prefix}_invoicing_reporting_v1".invoices',
            f'CREATE TABLE "{prefix}_invoicing_reporting_v1".mine (x int)',
            f'SELECT * FROM "{prefix}_invoicing_read".invoice',
            f'SELECT * FROM "{prefix}_invoicing".event',
            f'SELECT * FROM "{prefix}_collections_reporting_v1".view_definition',
            'CREATE TABLE public.mine (x int)',
        ):
            with pytest.raises((asyncpg.InsufficientPrivilegeError,
                                asyncpg.ReadOnlySQLTransactionError)):
                await bi.execute(refused)

        admin = stack.http["collections"]
        started = await admin.post("/admin/replay", json={"swap": True})
        assert started.status_code == 202, started.text
        for _ in range(300):
            state = (await admin.get("/admin/replay")).json()
            if state["state"] != "running":
                break
            await asyncio.sleep(0.1)
        assert state["state"] == "done" and state["retired_schema"], state
        assert await ageing_in_views(bi, prefix) == from_api  # on the swapped-in tables
        retired = await bi.fetchval(
            "SELECT count(*) FROM pg_views WHERE schemaname = $1 AND definition LIKE $2",
            f"{prefix}_collections_reporting_v1", f"%{state['retired_schema']}%")
        assert retired == 0
    finally:
        await bi.close()
