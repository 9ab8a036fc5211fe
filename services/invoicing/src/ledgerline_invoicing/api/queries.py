"""Read endpoints: the invoice register, invoice detail with history, customer statements.
They query projections only, so they trail the write side by the consumer's lag."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query, Request, Response

from ledgerline_events.contract.invoice_status import InvoiceStatus
from ledgerline_events.contract.money import Currency
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime.pdf import PDF_RESPONSES, pdf_answer, text_pdf
from ledgerline_events.runtime.problems import Problem
from ledgerline_invoicing.adapters.e_invoice_store import EInvoiceStore
from ledgerline_invoicing.application.commands import Invoicing
from ledgerline_invoicing.domain.invoice_document import credit_note_text, invoice_text
from ledgerline_invoicing.domain.statement import Statement, customer_statement
from ledgerline_invoicing.domain.statement_document import statement_text
from ledgerline_invoicing.projections.customer_account import account_movements
from ledgerline_invoicing.projections.queries import (
    customer_currencies,
    customer_on_file,
    find_invoices,
    invoice_detail,
    issued_credit_note,
    issued_invoice,
)

from .deps import Reads, Service
from .schemas import (
    EInvoiceOut,
    InterestAccruedOut,
    InvoiceDetail,
    InvoiceSummary,
    StatementLineOut,
    StatementOut,
)

router = APIRouter(tags=["register and statements"])


@router.get("/invoices/{invoice_id}/pdf", response_class=Response,
            summary="The invoice as issued, as a PDF in the customer's language (ETag: sha256)",
            responses=PDF_RESPONSES)
async def invoice_as_pdf(invoice_id: str, conn: Reads, request: Request) -> Response:
    issued = await issued_invoice(conn, invoice_id)
    if issued is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    pdf = text_pdf(issued.invoice_number, invoice_text(issued, request.app.state.runtime.settings.creditor()))
    return pdf_answer(pdf, issued.invoice_number, etag=True)


@router.get("/credit-notes/{credit_note_number}/pdf", response_class=Response,
            summary="A credit note as issued, as a PDF in its invoice's language (ETag: sha256)",
            responses=PDF_RESPONSES)
async def credit_note_as_pdf(credit_note_number: str, conn: Reads, request: Request) -> Response:
    note = await issued_credit_note(conn, credit_note_number)
    if note is None:
        raise HTTPException(404, f"no credit note {credit_note_number}")
    pdf = text_pdf(credit_note_number,
                   credit_note_text(note, request.app.state.runtime.settings.creditor()))
    return pdf_answer(pdf, credit_note_number, etag=True)


@router.get("/invoices", response_model=list[InvoiceSummary], summary="Invoice register")
async def invoice_register(
    conn: Reads,
    customer_id: str | None = None,
    status: InvoiceStatus | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    return await find_invoices(
        conn, customer_id=customer_id, status=status.value if status else None,
        issued_from=issued_from, issued_to=issued_to, limit=limit, offset=offset,
    )


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetail,
            responses={404: {"model": Problem, "description": "not (yet) in the register"}},
            summary="One invoice with its lines and history")
async def one_invoice(invoice_id: str, conn: Reads) -> dict[str, Any]:
    detail = await invoice_detail(conn, invoice_id)
    if detail is None:
        raise HTTPException(404, f"invoice {invoice_id} is not in the register")
    return detail


@router.get("/customers/{customer_id}/statement", response_model=list[StatementOut],
            summary="Customer statement for a period, one per currency")
async def statement(
    customer_id: str, conn: Reads, app: Service,
    period_from: Annotated[date, Query(alias="from")],
    period_to: Annotated[date, Query(alias="to")], currency: Currency | None = None,
) -> list[StatementOut]:
    """With the late-payment interest the invoices earned by the last day and no interest
    note claimed yet, as collections works it out (beside the balance, not in it)."""
    return [StatementOut(
        customer_id=customer_id, currency=s.currency, period_from=s.period_from,
        period_to=s.period_to, opening_balance=s.opening_balance.amount,
        closing_balance=s.closing_balance.amount,
        lines=[StatementLineOut(
            on_date=line.movement.on, kind=line.movement.kind.value,
            reference=line.movement.reference, invoice_id=line.movement.invoice_id,
            amount=line.movement.amount.amount, balance=line.balance.amount,
        ) for line in s.lines],
        interest_accrued=None if s.interest_accrued is None else [InterestAccruedOut(
            invoice_id=i.invoice_id, invoice_number=i.invoice_number,
            days_accrued=i.days_accrued, interest=i.interest.amount,
            indemnity=i.indemnity.amount) for i in s.interest_accrued],
        interest_accrued_total=(None if s.interest_accrued is None
                                else s.interest_total.amount),
    ) for s in await _statements(conn, app, customer_id, period_from, period_to, currency)]


@router.get("/customers/{customer_id}/statement/pdf", response_class=Response,
            summary="The customer statement as a PDF in the customer's language",
            responses=PDF_RESPONSES)
async def statement_as_pdf(
    customer_id: str, conn: Reads, app: Service, request: Request,
    period_from: Annotated[date, Query(alias="from")],
    period_to: Annotated[date, Query(alias="to")], currency: Currency | None = None,
) -> Response:
    on_file = await customer_on_file(conn, customer_id)
    if on_file is None:
        raise HTTPException(404, f"no invoice of {customer_id}")
    statements = await _statements(conn, app, customer_id, period_from, period_to, currency)
    text = statement_text(customer_id, on_file[0], statements, on_file[1],
                          request.app.state.runtime.settings.creditor())
    name = f"statement-{customer_id}-{period_to.isoformat()}"
    pdf = text_pdf(name, text)
    return pdf_answer(pdf, name, etag=False)


async def _statements(conn: asyncpg.Connection, app: Invoicing, customer_id: str,
                      period_from: date, period_to: date, currency: str | None
                      ) -> list[Statement]:
    if period_to < period_from:
        raise InvalidRequest("period_order", "the period ends before it starts", "to", where="query")
    currencies = [currency] if currency else await customer_currencies(conn, customer_id)
    movements = await account_movements(conn, customer_id, period_to, currency)
    accrued = (await app.accrued_interest.of(customer_id, period_to)
               if app.accrued_interest and currencies else [])
    return [customer_statement(movements, code, period_from, period_to).with_interest(accrued)
            for code in currencies]


@router.get("/e-invoices", response_model=list[EInvoiceOut],
            summary="The e-invoices, oldest first: the outbox a connector transmits from")
async def e_invoices(app: Service, transmission: str | None = Query(default=None, max_length=20),
                     customer_id: str | None = Query(default=None, max_length=64),
                     invoice_id: str | None = Query(default=None, max_length=64),
                     limit: int = Query(default=500, ge=1, le=5000)) -> list[dict[str, Any]]:
    """`transmission=to_transmit`: those written and not yet handed to the exchange."""
    async with app.store.pool.acquire() as conn:
        return await EInvoiceStore(conn, app.store.schema).listed(
            invoice_id=invoice_id, customer_id=customer_id, transmission=transmission,
            limit=limit)


@router.get("/e-invoices/{document_id}", response_class=Response,
            summary="An e-invoice as written (ETag: its sha256)",
            responses={200: {"content": {media: {"schema": {"type": "string", "format": "binary"}}
                                         for media in ("application/xml", "application/pdf")}},
                       404: {"model": Problem, "description": "no such e-invoice, or not written yet"}})
async def e_invoice(document_id: str, app: Service) -> Response:
    async with app.store.pool.acquire() as conn:
        found = await EInvoiceStore(conn, app.store.schema).content(document_id)
    if found is None:
        raise HTTPException(404, f"no written e-invoice {document_id}")
    return Response(found["content"], media_type=found["media_type"], headers={
        "ETag": f'"{found["sha256"]}"',
        "Content-Disposition": f'attachment; filename="{found["filename"]}"'})
