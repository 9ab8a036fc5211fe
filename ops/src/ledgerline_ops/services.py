"""What the ops tooling knows of each service: its settings (LEDGERLINE_* environment), the
projections a replay may rebuild (never ones that act on what they read, such as credit's
hold rules), and its audit report computed from any read schema (live or rebuilt).

`as_of_queries`: the service's read model keeps business time per fact, so its live schema
answers "as of T" itself (collections, invoicing). The others keep current figures only:
their live report is "now", and "as of T" needs a rebuild as of T.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_cash import bootstrap as cash_bootstrap
from ledgerline_cash.application.balances_report import balances as cash_balances
from ledgerline_cash.config import Settings as CashSettings
from ledgerline_collections import bootstrap as collections_bootstrap
from ledgerline_collections.adapters.audit_report import ageing_and_balances
from ledgerline_collections.config import CollectionsSettings
from ledgerline_credit import bootstrap as credit_bootstrap
from ledgerline_credit.adapters.audit_report import exposure
from ledgerline_credit.config import CreditSettings
from ledgerline_events.runtime import Projection, ServiceSettings
from ledgerline_invoicing import bootstrap as invoicing_bootstrap
from ledgerline_invoicing.config import InvoicingSettings
from ledgerline_invoicing.projections.audit_report import counts_and_balances

from .reports import Report

Rows = list[dict[str, Any]]
ReportQuery = Callable[[asyncpg.Pool, ServiceSettings, str, datetime], Awaitable[Rows]]


@dataclass(frozen=True)
class ServiceOps:
    name: str
    report_name: str
    settings: Callable[[], ServiceSettings]
    projections: Callable[[], Sequence[Projection]]
    query: ReportQuery
    as_of_queries: bool

    async def report(self, pool: asyncpg.Pool, settings: ServiceSettings, schema: str,
                     as_of: datetime) -> Report:
        """The service's audit report from `schema` (live or rebuilt) as of `as_of`."""
        rows = await self.query(pool, settings, schema, as_of)
        return Report.build(self.report_name, as_of, rows)


async def _collections(pool: asyncpg.Pool, s: ServiceSettings, schema: str, as_of: datetime) -> Rows:
    buckets = s.buckets if isinstance(s, CollectionsSettings) else None
    return await ageing_and_balances(pool, schema, as_of, buckets)


async def _cash(pool: asyncpg.Pool, _: ServiceSettings, schema: str, __: datetime) -> Rows:
    return await cash_balances(pool, schema)


async def _invoicing(pool: asyncpg.Pool, _: ServiceSettings, schema: str, as_of: datetime) -> Rows:
    return await counts_and_balances(pool, schema, as_of)


async def _credit(pool: asyncpg.Pool, _: ServiceSettings, schema: str, __: datetime) -> Rows:
    return await exposure(pool, schema)


SERVICES: dict[str, ServiceOps] = {
    "collections": ServiceOps("collections", "collections.ageing_and_balances",
                              CollectionsSettings, collections_bootstrap.replay_projections,
                              _collections, as_of_queries=True),
    "cash-application": ServiceOps("cash-application", "cash-application.balances", CashSettings,
                                   cash_bootstrap.replay_projections, _cash, as_of_queries=False),
    "invoicing": ServiceOps("invoicing", "invoicing.counts_and_balances", InvoicingSettings,
                            invoicing_bootstrap.replay_projections, _invoicing, as_of_queries=True),
    "credit": ServiceOps("credit", "credit.exposure", CreditSettings,
                         credit_bootstrap.replay_projections, _credit, as_of_queries=False),
}


def service(name: str) -> ServiceOps:
    try:
        return SERVICES[name]
    except KeyError:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICES)}") from None
