"""The `exposure` projection: open AR, open orders, disputes, payment behaviour, limits, holds
and decisions per customer, from every topic credit reads (its own included). After each
batch the live instance lets the automatic hold rules look at the customers it touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from ledgerline_events.contract import Envelope, Topics

from . import account_sql, receivables_sql, tables

OWN_EVENT_PREFIX = "credit."

AfterBatch = Callable[[asyncpg.Connection, set[str], Sequence[Envelope]], Awaitable[None]]


class ExposureProjection:
    """`after_batch` (the automatic hold rules) runs in the batch's transaction; leave it out
    for rebuilds, which must only read the log, never act on it."""

    name = "exposure"

    def __init__(self, after_batch: AfterBatch | None = None) -> None:
        self.after_batch = after_batch

    def topics(self, topics: Topics) -> list[str]:
        return [topics.sales_inbound, topics.invoicing, topics.cash_application,
                topics.collections, topics.credit]

    async def install(self, conn: asyncpg.Connection) -> None:
        await tables.install(conn)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        touched = receivables_sql.Touched()
        for envelope in events:
            if envelope.event_type.startswith(OWN_EVENT_PREFIX):
                customer = await account_sql.record(conn, envelope)
                if customer:
                    touched.customers.add(customer)
            else:
                await receivables_sql.record(conn, envelope, touched)
        await receivables_sql.settle(conn, touched)
        if self.after_batch is not None and touched.customers:
            await self.after_batch(conn, touched.customers, events)
