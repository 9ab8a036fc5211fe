"""Read-side queries over the invoicing projections (read schema only)."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import orjson

from ledgerline_events.contract.sales import Language, PaymentTerms
from ledgerline_invoicing.domain.invoice_document import IssuedCreditNote, IssuedInvoice

INVOICE_COLUMNS = (
    "invoice_id, invoice_number, customer_id, customer_name, sales_order_id, currency, "
    "issue_date, due_date, net_total, tax_total, gross_total, credited, settled, written_off, "
    "outstanding, "
    "status, correlation_id"
)


async def find_invoices(
    conn: asyncpg.Connection, *, customer_id: str | None, status: str | None,
    issued_from: date | None, issued_to: date | None, limit: int, offset: int,
) -> list[dict[str, Any]]:
    """The invoice register, newest issue date first, filtered as asked."""
    rows = await conn.fetch(
        f"SELECT {INVOICE_COLUMNS} FROM invoice "
        "WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) "
        "AND ($3::date IS NULL OR issue_date >= $3) AND ($4::date IS NULL OR issue_date <= $4) "
        "ORDER BY issue_date DESC, invoice_number DESC LIMIT $5 OFFSET $6",
        customer_id, status, issued_from, issued_to, limit, offset,
    )
    return [dict(r) for r in rows]


async def invoice_detail(conn: asyncpg.Connection, invoice_id: str) -> dict[str, Any] | None:
    """One invoice with its lines, terms and history (issued, credited, allocated, ...)."""
    row = await conn.fetchrow(
        f"SELECT {INVOICE_COLUMNS}, payment_terms::text AS terms, lines::text AS lines_json "
        "FROM invoice WHERE invoice_id = $1",
        invoice_id,
    )
    if row is None:
        return None
    history = await conn.fetch(
        "SELECT kind, on_date, amount, discount, currency, reference, detail, occurred_at, "
        "actor, actor_kind FROM invoice_entry WHERE invoice_id = $1 "
        "ORDER BY on_date, occurred_at, kind",
        invoice_id,
    )
    detail = dict(row)
    detail["payment_terms"] = orjson.loads(detail.pop("terms"))
    detail["lines"] = orjson.loads(detail.pop("lines_json"))
    detail["history"] = [dict(h) for h in history]
    return detail


async def issued_invoice(conn: asyncpg.Connection, invoice_id: str) -> IssuedInvoice | None:
    """The invoice as issued (the document's facts), or None."""
    row = await conn.fetchrow(
        "SELECT invoice_id, invoice_number, customer_id, customer_name, sales_order_id, "
        "currency, issue_date, due_date, language, payment_terms::text AS terms, "
        "lines::text AS lines_json, net_total, tax_total, gross_total FROM invoice "
        "WHERE invoice_id = $1", invoice_id)
    if row is None:
        return None
    facts = dict(row)
    return IssuedInvoice(
        **{k: v for k, v in facts.items() if k not in ("terms", "lines_json", "language")},
        language=Language(facts["language"]),
        payment_terms=PaymentTerms.model_validate_json(facts["terms"]),
        lines=orjson.loads(facts["lines_json"]))


async def issued_credit_note(conn: asyncpg.Connection, number: str) -> IssuedCreditNote | None:
    """A credit note as issued, with the invoice it credits, or None."""
    row = await conn.fetchrow("SELECT invoice_id, on_date, amount, detail FROM invoice_entry "
                              "WHERE kind = 'credit_note' AND reference = $1", number)
    invoice = await issued_invoice(conn, row["invoice_id"]) if row else None
    if row is None or invoice is None:
        return None
    return IssuedCreditNote(number, row["on_date"], row["amount"], row["detail"], invoice)


async def customer_on_file(conn: asyncpg.Connection, customer_id: str
                           ) -> tuple[str, Language] | None:
    """The customer's name and language as its latest invoice says them."""
    row = await conn.fetchrow("SELECT customer_name, language FROM invoice WHERE customer_id = $1"
                              " ORDER BY issue_date DESC, invoice_id DESC LIMIT 1", customer_id)
    return (row["customer_name"], Language(row["language"])) if row else None


async def customer_currencies(conn: asyncpg.Connection, customer_id: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT currency FROM account_movement WHERE customer_id = $1 ORDER BY 1",
        customer_id,
    )
    return [r["currency"] for r in rows]
