"""Invoicing's command handlers: open a unit of work, load the invoice, let the domain decide,
append its events (and draw document numbers) in the same transaction."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import asyncpg
import structlog

from ledgerline_events.contract.money import Money
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict
from ledgerline_events.runtime import EventStore, Origin, Runtime, UnitOfWork, run_command
from ledgerline_invoicing.adapters.accrued_interest import AccruedInterest
from ledgerline_invoicing.adapters.e_invoice_store import EInvoiceStore
from ledgerline_invoicing.adapters.numbering import DocumentCounters
from ledgerline_invoicing.domain.invoice import (
    CancelInvoice,
    Invoice,
    IssueCreditNote,
    IssueInvoice,
    decide_cancel,
    decide_credit_note,
    decide_issue,
    replay,
)
from ledgerline_invoicing.domain.numbering import CREDIT_NOTE_SERIES, series_for
from ledgerline_invoicing.projections.invoice_register import settled_on_invoice

log = structlog.get_logger("ledgerline.invoicing")


def fingerprint(*parts: str) -> str:
    """What makes two requests 'the same' for an idempotency key."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Invoicing:
    """The invoicing commands, over the runtime's event store and the document counters."""

    def __init__(self, runtime: Runtime, counters: DocumentCounters, *,
                 e_invoices: bool = False, accrued_interest: AccruedInterest | None = None
                 ) -> None:
        self._runtime = runtime
        self.counters = counters
        self.e_invoices = e_invoices  # queue each document's e-invoice
        self.accrued_interest = accrued_interest  # what statements show beside the balance

    @property
    def store(self) -> EventStore:
        assert self._runtime.store is not None, "the runtime is not started"
        return self._runtime.store

    async def issue_invoice(
        self, command: IssueInvoice, origin: Origin, conn: asyncpg.Connection | None = None
    ) -> dict[str, Any]:
        """Issue an invoice under the next number of its series (within `conn`'s transaction
        when a consumer issues it alongside its offsets)."""
        try:
            counter = series_for(command.series, command.issue_date)
        except ValueError as exc:
            raise InvalidRequest("invalid_series", str(exc), "series") from exc

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            if await uow.load(command.invoice_id):
                raise StateConflict("already_issued", "this invoice was already issued", "invoice_id")
            # A delivery reported late is invoiced on the series' last numbered date.
            number, dated = await self.counters.next_number(
                uow.conn, counter, command.issue_date,
                late_to_last=command.sales_order_id is not None)
            events = decide_issue(replace(command, issue_date=dated), number)
            await uow.append(command.invoice_id, 0, events,
                             customer_id=command.customer.customer_id,
                             occurred_at=origin.occurred_at)
            await self._e_invoice(uow, command.invoice_id, command.customer.customer_id)
            log.info("invoice.issued", invoice_id=command.invoice_id, invoice_number=number,
                     customer_id=command.customer.customer_id,
                     sales_order_id=command.sales_order_id)
            return {"invoice_id": command.invoice_id, "invoice_number": number}
        return await run_command(self.store, origin, body, conn=conn)

    async def issue_credit_note(self, command: IssueCreditNote, origin: Origin) -> dict[str, Any]:
        """Credit part or all of what remains on an invoice under the next credit-note number."""
        async def body(uow: UnitOfWork) -> dict[str, Any]:
            version, invoice, settled = await self._invoice_as_it_stands(uow, command.invoice_id)
            number, _ = await self.counters.next_number(
                uow.conn, series_for(CREDIT_NOTE_SERIES, command.issue_date), command.issue_date
            )
            events = decide_credit_note(invoice, command, settled, number)
            assert invoice is not None
            await uow.append(command.invoice_id, version, events,
                             customer_id=invoice.customer_id, occurred_at=origin.occurred_at)
            await self._e_invoice(uow, command.invoice_id, invoice.customer_id,
                                  command.credit_note_id)
            log.info("invoice.credited", invoice_id=command.invoice_id, credit_note_number=number)
            return {
                "invoice_id": command.invoice_id, "credit_note_id": command.credit_note_id,
                "credit_note_number": number,
                "amount": events[0].model_dump(mode="json")["amount"],
            }
        return await run_command(self.store, origin, body)

    async def cancel_invoice(self, command: CancelInvoice, origin: Origin) -> dict[str, Any]:
        """Cancel an invoice nobody has paid or credited."""
        async def body(uow: UnitOfWork) -> dict[str, Any]:
            version, invoice, settled = await self._invoice_as_it_stands(uow, command.invoice_id)
            events = decide_cancel(invoice, command, settled)
            assert invoice is not None
            await uow.append(command.invoice_id, version, events,
                             customer_id=invoice.customer_id, occurred_at=origin.occurred_at)
            log.info("invoice.cancelled", invoice_id=command.invoice_id)
            return {"invoice_id": command.invoice_id, "status": "cancelled"}
        return await run_command(self.store, origin, body)

    async def _e_invoice(self, uow: UnitOfWork, invoice_id: str, customer_id: str,
                         credit_note_id: str | None = None) -> None:
        """Queue the document's e-invoice, in the transaction that issues it."""
        if self.e_invoices:
            await EInvoiceStore(uow.conn, self.store.schema).enqueue(invoice_id, customer_id,
                                                                     credit_note_id)

    async def _invoice_as_it_stands(
        self, uow: UnitOfWork, invoice_id: str
    ) -> tuple[int, Invoice | None, Money]:
        """The invoice's stream version, its state, and the cash settled on it as the register
        knows it (zero for an unknown invoice, which the domain then reports as not found)."""
        history = await uow.load(invoice_id)
        invoice = replay(e.payload for e in history)
        if invoice is None:
            return len(history), None, Money.zero("EUR")
        amount = await settled_on_invoice(uow.conn, self._runtime.settings.read_schema, invoice_id)
        return len(history), invoice, Money(amount=amount, currency=invoice.currency)
