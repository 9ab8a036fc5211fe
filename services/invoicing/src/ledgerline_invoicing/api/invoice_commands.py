"""Write endpoints: manual invoices, credit notes, cancellations. Thin: parse, build the
command, call the application; rules and their refusals live in the domain.
Only finance (and admin) may write here; the host adds authentication."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, status

from ledgerline_events.contract.business_time import instant_of_day, not_in_the_future
from ledgerline_events.runtime import Origin
from ledgerline_events.runtime.auth import requires
from ledgerline_events.runtime.problems import Problem
from ledgerline_invoicing.application.commands import fingerprint
from ledgerline_invoicing.domain.invoice import CancelInvoice, IssueCreditNote, IssueInvoice
from ledgerline_invoicing.domain.pricing import LineItem

from .deps import CorrelationId, IdempotencyKey, InvoicingDep, Latest, Now
from .schemas import (
    CancellationIn,
    CreditNoteIn,
    CreditNoteIssuedOut,
    InvoiceCancelledOut,
    InvoiceIssuedOut,
    ManualInvoiceIn,
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
    body: ManualInvoiceIn, app: InvoicingDep, key: IdempotencyKey, now: Now,
    correlation_id: CorrelationId, latest: Latest,
) -> dict[str, Any]:
    not_in_the_future("issue_date", body.issue_date, latest)
    not_in_the_future("occurred_at", body.occurred_at, latest)
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
    )
    origin = Origin(key, fingerprint("invoice", body.model_dump_json()),
                        body.occurred_at or instant_of_day(body.issue_date, now), correlation_id)
    return await app.issue_invoice(command, origin)


@router.post("/invoices/{invoice_id}/credit-notes", status_code=status.HTTP_201_CREATED,
             response_model=CreditNoteIssuedOut, responses=REFUSALS,
             summary="Credit part or all of what remains on an invoice")
async def issue_credit_note(
    invoice_id: str, body: CreditNoteIn, app: InvoicingDep, key: IdempotencyKey, now: Now,
    correlation_id: CorrelationId, latest: Latest,
) -> dict[str, Any]:
    occurred_at = body.occurred_at or _instant(body.issue_date, now)
    not_in_the_future("occurred_at", occurred_at, latest)
    not_in_the_future("issue_date", body.issue_date, latest)
    command = IssueCreditNote(
        invoice_id=invoice_id,
        credit_note_id=f"cn-{uuid4().hex}",
        amount=body.amount,
        reason=body.reason,
        issue_date=body.issue_date or occurred_at.date(),
        dispute_id=body.dispute_id,
    )
    origin = Origin(key, fingerprint("credit-note", invoice_id, body.model_dump_json()),
                        occurred_at, correlation_id)
    return await app.issue_credit_note(command, origin)


@router.post("/invoices/{invoice_id}/cancel", response_model=InvoiceCancelledOut,
             responses=REFUSALS, summary="Cancel an invoice nothing was allocated to or credited")
async def cancel_invoice(
    invoice_id: str, body: CancellationIn, app: InvoicingDep, key: IdempotencyKey, now: Now,
    correlation_id: CorrelationId, latest: Latest,
) -> dict[str, Any]:
    occurred_at = body.occurred_at or _instant(body.cancelled_on, now)
    not_in_the_future("occurred_at", occurred_at, latest)
    not_in_the_future("cancelled_on", body.cancelled_on, latest)
    command = CancelInvoice(invoice_id, body.reason, body.cancelled_on or occurred_at.date())
    origin = Origin(key, fingerprint("cancel", invoice_id, body.model_dump_json()),
                        occurred_at, correlation_id)
    return await app.cancel_invoice(command, origin)


def _instant(document_date: date | None, now: datetime) -> datetime:
    """A document dated in the past counts from its date; undated, it happens now."""
    return now if document_date is None else instant_of_day(document_date, now)
