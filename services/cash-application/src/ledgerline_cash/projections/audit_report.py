"""The auditors' balances report of cash application, from any read schema (the live one or
a rebuild): per customer and currency the open receivables (what is owed on invoices) and
the unapplied cash (received, not allocated, refunded or reversed); unidentified cash under
an empty customer id. The cash ledger keeps current figures only: as of an instant means
"the schema rebuilt as of that instant" (the ops `replay --as-of`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.runtime import ServiceSettings, ident
from ledgerline_events.runtime.definition import AuditReport


async def balances(pool: asyncpg.Pool, read_schema: str) -> list[dict[str, Any]]:
    """Flat rows (section, customer_id, currency, item, measure, amount), zeros left out."""
    r = ident(read_schema)
    invoices = await pool.fetch(
        f"SELECT coalesce(customer_id, '') AS customer_id, currency, sum(open_amount) AS amount "
        f"FROM {r}.open_item GROUP BY 1, 2 HAVING sum(open_amount) <> 0")
    cash = await pool.fetch(
        f"SELECT coalesce(customer_id, '') AS customer_id, currency, sum(unapplied) AS amount "
        f"FROM {r}.payment GROUP BY 1, 2 HAVING sum(unapplied) <> 0")
    return [
        *({"section": "balance", "customer_id": x["customer_id"], "currency": x["currency"],
           "item": "", "measure": "open_receivables", "amount": x["amount"]} for x in invoices),
        *({"section": "unapplied_cash", "customer_id": x["customer_id"],
           "currency": x["currency"], "item": "", "measure": "unapplied", "amount": x["amount"]}
          for x in cash),
    ]


async def _rows(pool: asyncpg.Pool, _: ServiceSettings, schema: str, __: datetime
                ) -> list[dict[str, Any]]:
    return await balances(pool, schema)


AUDIT_REPORT = AuditReport("cash-application.balances", _rows, as_of_queries=False)
