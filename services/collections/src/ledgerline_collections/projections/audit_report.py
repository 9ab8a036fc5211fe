"""The auditors' month-end report of collections, from any read schema (the live one or a
rebuild), as of an instant: ageing per invoice, per customer and per currency by bucket, and
customer balances (open receivables). Flat rows, so the ops tooling can diff and checksum
them; the same instant on the same log gives the same rows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from ledgerline_events.runtime import ServiceSettings
from ledgerline_events.runtime.definition import AuditReport

from ..adapters.read_model import ReadModel
from ..config import CollectionsSettings
from ..domain.ageing import AgeingBuckets, age_open_items


def _row(section: str, customer: str, currency: str, item: str, measure: str,
         amount: Decimal) -> dict[str, Any]:
    return {"section": section, "customer_id": customer, "currency": currency, "item": item,
            "measure": measure, "amount": amount}


async def ageing_and_balances(
    pool: asyncpg.Pool, read_schema: str, as_of: datetime, buckets: AgeingBuckets | None = None,
    known_at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Rows: `ageing_item` (invoice, bucket, open amount), `ageing_customer` and
    `ageing_currency` (bucket totals, zero buckets left out), `balance` (customer's open
    receivables per currency). Amounts as of `as_of`, buckets by its UTC date; with
    `known_at`, as we knew them at that recorded time (the report as printed then)."""
    items = await ReadModel(pool, read_schema).open_items(as_of, known_at=known_at)
    report = age_open_items(items, as_of.date(), buckets)
    rows = [_row("ageing_item", i.customer_id, i.currency, i.invoice_id, label, i.open_amount)
            for i, _, label in report.items]
    for (customer, currency), totals in report.customers.items():
        rows += [_row("ageing_customer", customer, currency, "", label, amount)
                 for label, amount in totals.buckets.items() if amount != 0]
        rows.append(_row("balance", customer, currency, "", "open_receivables", totals.total))
    for currency, totals in report.totals.items():
        rows += [_row("ageing_currency", "", currency, "", label, amount)
                 for label, amount in totals.buckets.items() if amount != 0]
    return rows


async def _rows(pool: asyncpg.Pool, settings: ServiceSettings, schema: str, as_of: datetime
                ) -> list[dict[str, Any]]:
    buckets = settings.buckets if isinstance(settings, CollectionsSettings) else None
    return await ageing_and_balances(pool, schema, as_of, buckets)


AUDIT_REPORT = AuditReport("collections.ageing_and_balances", _rows, as_of_queries=True)
