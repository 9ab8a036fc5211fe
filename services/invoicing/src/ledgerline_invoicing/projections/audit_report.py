"""The auditors' report of invoicing, from any read schema (the live one or a rebuild), as of
an instant: per customer and currency the number of invoices issued and the account balance
(invoices - credit notes - cancellations - allocations - write-offs + reversals/recoveries,
the customer account's movements). Flat rows for the ops tooling to diff and checksum."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.runtime import ServiceSettings, ident
from ledgerline_events.runtime.definition import AuditReport


async def counts_and_balances(pool: asyncpg.Pool, read_schema: str, as_of: datetime) -> list[dict[str, Any]]:
    r = ident(read_schema)
    issued = await pool.fetch(
        f"SELECT i.customer_id, i.currency, count(*) AS n FROM {r}.invoice_entry e "
        f"JOIN {r}.invoice i USING (invoice_id) WHERE e.kind = 'issued' AND e.occurred_at <= $1 "
        "GROUP BY 1, 2", as_of)
    balances = await pool.fetch(
        f"SELECT customer_id, currency, sum(amount) AS amount FROM {r}.account_movement "
        "WHERE occurred_at <= $1 GROUP BY 1, 2", as_of)
    return [
        *({"section": "invoices_issued", "customer_id": x["customer_id"],
           "currency": x["currency"], "item": "", "measure": "count", "amount": x["n"]}
          for x in issued),
        *({"section": "balance", "customer_id": x["customer_id"], "currency": x["currency"],
           "item": "", "measure": "account_balance", "amount": x["amount"]} for x in balances),
    ]


async def _rows(pool: asyncpg.Pool, _: ServiceSettings, schema: str, as_of: datetime
                ) -> list[dict[str, Any]]:
    return await counts_and_balances(pool, schema, as_of)


AUDIT_REPORT = AuditReport("invoicing.counts_and_balances", _rows, as_of_queries=True)
