"""Write endpoints: manual invoices, credit notes, cancellations. Thin: parse, build the
command, call the application; rules and their refusals live in the domain.
Only finance (and admin) may write here; the host adds authentication."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Request, status

from ledgerline_events.contract.business_time import business_instant, not_in_the_future
from ledgerline_events.runtime import origin_of
from ledgerline_events.runtime.auth import requires
from ledgerline_events.runtime.problems import Problem
from ledgerline_invoicing.application import e_invoicing
from ledgerline_invoicing.domain.invoice import CancelInvoice, IssueCreditNote, IssueInvoice
from ledgerline_invoicing.domain.pricing import LineItem

from .deps import IdempotencyKey, Latest, Now, Service
from .schemas import (
    CancellationIn,
    CreditNoteIn,
    CreditNoteIssuedOut,
    InvoiceCancelledOut,
    InvoiceIssuedOut,
    ManualInvoiceIn,
    TransmissionIn,
    TransmissionOut,
)

router = APIRouter(tags=["invoices"], dependencies=[requires("finance")])
REFUSALS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such invoice"},
    409: {"model": Problem, "description": "the invoice's state forbids it (field and rule named)"},
    422: {"model": Problem,
          "description": "bad input (field and rule named), or a missing Idempotency-Key"},
}


@router.post("/invoices", status_code=status.HTTP_201_CREATED, response_model=InvoiceIssuedOut,
             responses=REFUSALS, summary="Issue a manual invoice")
async def issue_manual_invoice(
    body: ManualInvoiceIn, request: Request, app: Service, key: IdempotencyKey, now: Now,
    latest: Latest,
) -> dict[str, Any]:
    not_in_the_future("issue_date", body.issue_date, latest)
    occurred_at = business_instant("occurred_at", body.occurred_at, body.issue_date, now, latest)
    command = IssueInvoice(
        invoice_id=f"inv-{uuid4().hex}",
        customer=body.customer,
        currency=body.currency,
        lines=tuple(
            LineItem(line.description, line.quantity, line.unit_price, line.tax_rate,
                     sku=line.sku, currency=line.currency)
            for line in body.lines
        ),
        payment_terms=body.payment_terms,
        issue_date=body.issue_date,
        series=body.series,
        buyer=body.buyer,
        order=body.order,
    )
    return await app.issue_invoice(command, origin_of(request, key, body, occurred_at))


@router.post("/invoices/{invoice_id}/credit-notes", status_code=status.HTTP_201_CREATED,
             response_model=CreditNoteIssuedOut, responses=REFUSALS,
             summary="Credit part or all of what remains on an invoice")
async def issue_credit_note(
    invoice_id: str, body: CreditNoteIn, request: Request, app: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
) -> dict[str, Any]:
    not_in_the_future("issue_date", body.issue_date, latest)
    occurred_at = business_instant("occurred_at", body.occurred_at, body.issue_date, now, latest)
    command = IssueCreditNote(
        invoice_id=invoice_id,
        credit_note_id=f"cn-{uuid4().hex}",
        amount=body.amount,
        reason=body.reason,
        issue_date=body.issue_date or occurred_at.date(),
        dispute_id=body.dispute_id,
    )
    return await app.issue_credit_note(command, origin_of(request, key, body, occurred_at))


@router.post("/invoices/{invoice_id}/cancel", response_model=InvoiceCancelledOut,
             responses=REFUSALS, summary="Cancel an invoice nothing was allocated to or credited")
async def cancel_invoice(
    invoice_id: str, body: CancellationIn, request: Request, app: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
) -> dict[str, Any]:
    not_in_the_future("cancelled_on", body.cancelled_on, latest)
    occurred_at = business_instant("occurred_at", body.occurred_at, body.cancelled_on, now, latest)
    command = CancelInvoice(invoice_id, body.reason, body.cancelled_on or occurred_at.date())
    return await app.cancel_invoice(command, origin_of(request, key, body, occurred_at))



@router.post("/e-invoices/{document_id}/transmissions", response_model=TransmissionOut,
             responses=REFUSALS, summary="Record what the exchange said about an e-invoice")
async def record_transmission(document_id: str, body: TransmissionIn, request: Request,
                              app: Service, now: Now, key: IdempotencyKey) -> dict[str, Any]:
    """For the connector to the exchange (SDI, a French platform): the document was sent,
    delivered, accepted, rejected or failed (EInvoiceTransmissionRecorded); the outbox
    (`GET /e-invoices?transmission=to_transmit`) then shows it so."""
    return await e_invoicing.record_transmission(
        app.store, origin_of(request, key, body, now), document_id, body.status,
        body.reference, body.detail)
