"""The e-invoices, in our write schema: one row per invoice or credit note, queued in the
transaction that issues it, written once (its bytes and their sha256, never changed after), then
the outbox a connector to the exchange reads, with the last status it reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.runtime import ident
from ledgerline_events.runtime.migrations import Migration

TO_TRANSMIT = "to_transmit"


@dataclass(frozen=True)
class Pending:
    document_id: str
    invoice_id: str
    credit_note_id: str | None


@dataclass(frozen=True)
class Written:
    format: str
    filename: str
    media_type: str
    content: bytes
    sha256: str


class EInvoiceStore:
    def __init__(self, conn: asyncpg.Connection, write_schema: str) -> None:
        self.conn = conn
        self._t = f"{ident(write_schema)}.e_invoice"

    async def enqueue(self, invoice_id: str, customer_id: str,
                      credit_note_id: str | None = None) -> None:
        await self.conn.execute(
            f"INSERT INTO {self._t} (document_id, invoice_id, credit_note_id, customer_id) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            f"einv-{credit_note_id or invoice_id}", invoice_id, credit_note_id, customer_id)

    async def next_pending(self, now: datetime) -> Pending | None:
        """The oldest document due and not written yet, locked for this transaction (others
        skip it)."""
        row = await self.conn.fetchrow(
            f"SELECT document_id, invoice_id, credit_note_id FROM {self._t} "
            "WHERE content IS NULL AND next_attempt_at <= $1 ORDER BY queued_at, document_id "
            "LIMIT 1 FOR UPDATE SKIP LOCKED", now)
        return None if row is None else Pending(row[0], row[1], row[2])

    async def failed(self, document_id: str, error: str, retry_at: datetime) -> None:
        """It could not be written: the others go on; this one is tried again at `retry_at`."""
        await self.conn.execute(
            f"UPDATE {self._t} SET attempts = attempts + 1, error = $2, next_attempt_at = $3 "
            "WHERE document_id = $1", document_id, error[:1000], retry_at)

    async def write(self, document_id: str, document: Written) -> None:
        await self.conn.execute(
            f"UPDATE {self._t} SET format = $2, filename = $3, media_type = $4, content = $5, "
            "sha256 = $6, written_at = now(), transmission = $7, error = NULL "
            "WHERE document_id = $1 AND content IS NULL", document_id, document.format,
            document.filename, document.media_type, document.content, document.sha256,
            TO_TRANSMIT)

    async def record_transmission(self, document_id: str, status: str, reference: str) -> None:
        await self.conn.execute(
            f"UPDATE {self._t} SET transmission = $2, exchange_reference = "
            "coalesce(nullif($3, ''), exchange_reference) WHERE document_id = $1",
            document_id, status, reference)

    async def content(self, document_id: str) -> asyncpg.Record | None:
        return await self.conn.fetchrow(
            f"SELECT filename, media_type, content, sha256 FROM {self._t} "
            "WHERE document_id = $1 AND content IS NOT NULL", document_id)

    async def listed(self, *, document_id: str | None = None, invoice_id: str | None = None,
                     customer_id: str | None = None, transmission: str | None = None,
                     limit: int = 500) -> list[dict[str, Any]]:
        """The documents (without their bytes), oldest first, those asked for."""
        rows = await self.conn.fetch(
            f"SELECT document_id, invoice_id, credit_note_id, customer_id, format, filename, "
            f"media_type, sha256, octet_length(content) AS size, queued_at, written_at, "
            f"transmission, exchange_reference, attempts, error FROM {self._t} "
            "WHERE ($1::text IS NULL OR document_id = $1) AND ($2::text IS NULL OR invoice_id = $2)"
            " AND ($3::text IS NULL OR customer_id = $3) AND ($4::text IS NULL OR transmission = $4)"
            " ORDER BY queued_at, document_id LIMIT $5",
            document_id, invoice_id, customer_id, transmission, limit)
        return [dict(r) for r in rows]


async def _install(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(f"""
        CREATE TABLE {ident(schema)}.e_invoice (
            document_id text PRIMARY KEY, invoice_id text NOT NULL, credit_note_id text,
            customer_id text NOT NULL, queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            format text, filename text, media_type text, content bytea, sha256 text,
            written_at timestamptz, transmission text, exchange_reference text,
            attempts int NOT NULL DEFAULT 0, error text,
            next_attempt_at timestamptz NOT NULL DEFAULT '-infinity');
        CREATE INDEX e_invoice_pending ON {ident(schema)}.e_invoice (queued_at)
            WHERE content IS NULL;
        CREATE INDEX e_invoice_by_customer ON {ident(schema)}.e_invoice (customer_id)""")


E_INVOICE_MIGRATION = Migration("invoicing", 2, "e-invoices and their outbox", _install)
