"""Invoicing's own write tables beside the event store, as versioned migrations
(runtime/migrations.py): a change of shape is a new entry, never an edit of an old one."""

from __future__ import annotations

import asyncpg

from ledgerline_events.runtime.migrations import Migration

from .e_invoice_store import E_INVOICE_MIGRATION
from .numbering import DocumentCounters


async def _document_counters(conn: asyncpg.Connection, schema: str) -> None:
    await DocumentCounters(schema).install(conn)


WRITE_MIGRATIONS = (Migration("invoicing", 1, "document counters", _document_counters),
                    E_INVOICE_MIGRATION)
