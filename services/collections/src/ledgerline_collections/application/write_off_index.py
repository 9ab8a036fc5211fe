"""The write side's index of write-offs: which invoice each belongs to (recoveries name only
the write-off), and its customer, amount and approver (approval limits count earlier
write-offs of the same customer). Filled in the write-off's own transaction."""

from __future__ import annotations

import asyncpg

WRITE_OFF_INDEX = "write_off_index"


async def install_write_off_index(conn: asyncpg.Connection, schema: str) -> None:
    """`schema` is quoted already. Rows written before the amounts were kept are completed
    once from the event store."""
    t = f"{schema}.{WRITE_OFF_INDEX}"
    await conn.execute(f"""
        CREATE TABLE IF NOT EXISTS {t} (write_off_id text PRIMARY KEY, invoice_id text NOT NULL);
        ALTER TABLE {t} ADD COLUMN IF NOT EXISTS customer_id text,
            ADD COLUMN IF NOT EXISTS currency text, ADD COLUMN IF NOT EXISTS amount numeric,
            ADD COLUMN IF NOT EXISTS approver text;
        CREATE INDEX IF NOT EXISTS write_off_index_customer ON {t} (customer_id, currency);
    """)
    if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {t} WHERE customer_id IS NULL)"):
        await conn.execute(f"""
            UPDATE {t} w SET customer_id = e.customer_id,
                currency = e.body::jsonb #>> '{{payload,amount,currency}}',
                amount = (e.body::jsonb #>> '{{payload,amount,amount}}')::numeric,
                approver = e.body::jsonb #>> '{{payload,approver}}'
            FROM {schema}.event e
            WHERE w.customer_id IS NULL AND e.event_type = 'collections.DebtWrittenOff'
              AND e.body::jsonb #>> '{{payload,write_off_id}}' = w.write_off_id""")
