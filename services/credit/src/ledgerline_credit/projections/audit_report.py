"""The auditors' report of credit, from any read schema (the live one or a rebuild): per
customer and currency the open receivables, open orders and disputed amount that make up
exposure. The projection keeps current figures only: as of an instant means "the schema
rebuilt as of that instant" (the ops `replay --as-of`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.runtime import ServiceSettings, ident
from ledgerline_events.runtime.definition import AuditReport

MEASURES = ("open_ar", "open_orders", "disputed")


async def exposure(pool: asyncpg.Pool, read_schema: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(f"SELECT * FROM {ident(read_schema)}.customer_exposure")
    return [
        {"section": "exposure", "customer_id": x["customer_id"], "currency": x["currency"],
         "item": "", "measure": m, "amount": x[m]}
        for x in rows for m in MEASURES if x[m] != 0
    ]


async def _rows(pool: asyncpg.Pool, _: ServiceSettings, schema: str, __: datetime
                ) -> list[dict[str, Any]]:
    return await exposure(pool, schema)


AUDIT_REPORT = AuditReport("credit.exposure", _rows, as_of_queries=False)
