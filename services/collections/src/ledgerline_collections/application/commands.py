"""Command handlers: open a unit of work, load the aggregate, let the domain decide, append.

Aggregates: `dispute:<id>`, `promise:<id>`, `call:<id>`, `write-offs:<invoice id>` (every
write-off of an invoice and its recoveries, so concurrent write-offs cannot together exceed
the open amount) and `dunning:<customer>:<currency>` (see dunning_run.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import (
    CallOutcome,
    DebtWrittenOff,
    DisputeOutcome,
    DisputeReason,
)
from ledgerline_events.runtime import ident

from ..adapters.read_model import InvoiceView
from ..domain import calls, disputes, promises, write_offs
from ..domain.business_dates import not_before_invoice
from ..domain.errors import InvalidCommand, UnknownSubject
from .context import Collections, Write, new_id

WRITE_OFF_INDEX = "write_off_index"


async def open_dispute(
    app: Collections, w: Write, invoice_id: str, amount: Money | None, reason: DisputeReason,
    description: str,
) -> dict[str, Any]:
    """Open a dispute on `amount` of the invoice (None: everything still open on it)."""
    invoice = await _invoice(app, invoice_id)
    not_before_invoice("occurred_at", w.today, invoice.issue_date)
    contested = amount or Money.of(invoice.open_amount, invoice.currency)
    cmd = disputes.OpenDispute(new_id("dsp"), invoice_id, contested, reason, description)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        aggregate = f"dispute:{cmd.dispute_id}"
        history = await uow.load(aggregate)
        open_amount = Money.of(invoice.open_amount, invoice.currency)
        events = disputes.decide_open_dispute(
            disputes.replay_dispute(history), cmd, open_amount, w.today
        )
        await uow.append(aggregate, len(history), events, customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        return uow.set_result({"dispute_id": cmd.dispute_id, "status": "open"})


async def resolve_dispute(
    app: Collections, w: Write, dispute_id: str, outcome: DisputeOutcome, note: str
) -> dict[str, Any]:
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        aggregate = f"dispute:{dispute_id}"
        history = await uow.load(aggregate)
        state = disputes.replay_dispute(history)
        cmd = disputes.ResolveDispute(dispute_id, outcome, note)
        events = disputes.decide_resolve_dispute(state, cmd, w.today)
        customer = state.customer_id if state else None
        await uow.append(aggregate, len(history), events, customer_id=customer,
                         occurred_at=w.occurred_at)
        return uow.set_result({"dispute_id": dispute_id, "status": "resolved",
                               "outcome": outcome.value})


async def write_off(
    app: Collections, w: Write, invoice_id: str, amount: Money | None, reason: str, approver: str,
    approval_limit: write_offs.ApprovalLimit | None = None,
) -> dict[str, Any]:
    invoice = await _invoice(app, invoice_id)
    not_before_invoice("occurred_at", w.today, invoice.issue_date)
    cmd = write_offs.WriteOffDebt(new_id("wo"), invoice_id, amount, reason, approver,
                                  approval_limit)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        aggregate = f"write-offs:{invoice_id}"
        history = await uow.load(aggregate)
        ledger = write_offs.replay_invoice_write_offs(invoice_id, history)
        # Our own write-offs come from the event store (never behind), the rest from the
        # projection of invoicing and cash-application events.
        open_now = Money.of(invoice.open_before_write_offs - ledger.net_written_off,
                            invoice.currency)
        events = write_offs.decide_write_off(
            ledger.write_offs.get(cmd.write_off_id), cmd, open_now, w.today
        )
        await uow.append(aggregate, len(history), events, customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        await uow.conn.execute(
            f"INSERT INTO {ident(app.store.schema)}.{WRITE_OFF_INDEX} (write_off_id, invoice_id)"
            " VALUES ($1, $2)", cmd.write_off_id, invoice_id,
        )
        (written,) = events
        assert isinstance(written, DebtWrittenOff)
        return uow.set_result({"write_off_id": cmd.write_off_id, "invoice_id": invoice_id,
                               "amount": written.amount.model_dump(mode="json")})


async def recover(app: Collections, w: Write, write_off_id: str, amount: Money) -> dict[str, Any]:
    cmd = write_offs.RecoverWrittenOffDebt(new_id("rec"), write_off_id, amount)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        invoice_id = await uow.conn.fetchval(
            f"SELECT invoice_id FROM {ident(app.store.schema)}.{WRITE_OFF_INDEX} WHERE write_off_id = $1",
            write_off_id,
        )
        if invoice_id is None:
            raise UnknownSubject("write_off_id", "write_off_exists", f"no write-off {write_off_id}")
        aggregate = f"write-offs:{invoice_id}"
        history = await uow.load(aggregate)
        ledger = write_offs.replay_invoice_write_offs(invoice_id, history)
        state = ledger.write_offs.get(write_off_id)
        events = write_offs.decide_recovery(state, cmd, w.today)
        await uow.append(aggregate, len(history), events,
                         customer_id=state.customer_id if state else None,
                         occurred_at=w.occurred_at)
        return uow.set_result({"recovery_id": cmd.recovery_id, "write_off_id": write_off_id})


async def record_promise(
    app: Collections, w: Write, customer_id: str, invoice_ids: list[str], amount: Money,
    promised_date: date, recorded_by: str,
) -> dict[str, Any]:
    known = await app.read_model.invoices_of(customer_id, invoice_ids)
    if len(known) != len(set(invoice_ids)):
        raise InvalidCommand("invoice_ids", "invoices_of_customer",
                             "every invoice must exist and belong to the customer")
    if any(i.currency != amount.currency for i in known):
        raise InvalidCommand("amount.currency", "invoice_currency", "use the invoices' currency")
    for invoice in known:
        not_before_invoice("occurred_at", w.today, invoice.issue_date)
    cmd = promises.RecordPromise(new_id("ptp"), customer_id, tuple(invoice_ids), amount,
                                 promised_date, recorded_by)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        aggregate = f"promise:{cmd.promise_id}"
        history = await uow.load(aggregate)
        events = promises.decide_record_promise(promises.replay_promise(history), cmd, w.today)
        await uow.append(aggregate, len(history), events, customer_id=customer_id,
                         occurred_at=w.occurred_at)
        return uow.set_result({"promise_id": cmd.promise_id, "status": "open"})


async def log_call(
    app: Collections, w: Write, customer_id: str, contact_person: str, outcome: CallOutcome,
    note: str, called_at: datetime | None, collector: str, now: datetime,
) -> dict[str, Any]:
    cmd = calls.LogCall(new_id("call"), customer_id, contact_person, outcome,
                        called_at or w.occurred_at, collector, note)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        events = calls.decide_log_call(cmd, now)
        await uow.append(f"call:{cmd.call_id}", 0, events, customer_id=customer_id,
                         occurred_at=cmd.called_at)
        return uow.set_result({"call_id": cmd.call_id})


async def _invoice(app: Collections, invoice_id: str) -> InvoiceView:
    invoice = await app.read_model.invoice(invoice_id)
    if invoice is None:
        raise UnknownSubject("invoice_id", "invoice_known", f"no invoice {invoice_id} (yet)")
    return invoice
