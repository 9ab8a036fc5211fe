"""Command handlers: open a unit of work, load the aggregate, let the domain decide, append.

Aggregates: `dispute:<id>`, `promise:<id>`, `call:<id>`, `write-offs:<invoice id>` (every
write-off of an invoice and its recoveries, so concurrent write-offs cannot together exceed
the open amount) and `dunning:<customer>:<currency>` (see dunning_run.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import (
    CallOutcome,
    DebtWrittenOff,
    DisputeOutcome,
    DisputeReason,
    WriteOffRequested,
)
from ledgerline_events.contract.deliveries import DocumentKind, InvoiceCopyRequested
from ledgerline_events.contract.late_interest import (
    InterestTermsAgreed,
    LateInterestClaimed,
    LateInterestWaived,
    ReferenceRateRecorded,
)
from ledgerline_events.contract.personal_data import seal
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict
from ledgerline_events.runtime import Origin, UnitOfWork, ident, run_command
from ledgerline_events.runtime.keyring import SubjectErased

from ..adapters.late_interest import InvoiceInterest, invoice_interest
from ..adapters.letter_queue import LetterQueue
from ..adapters.read_model import InvoiceView
from ..domain import calls, disputes, promises, write_offs
from ..domain.business_dates import not_after_today, not_before_invoice
from ..domain.late_interest import second_person, settled_of, still_due
from .context import Collections, new_id
from .customer_master import keyring_of
from .write_off_index import WRITE_OFF_INDEX


async def open_dispute(
    app: Collections, w: Origin, invoice_id: str, amount: Money | None, reason: DisputeReason,
    description: str,
) -> dict[str, Any]:
    """Open a dispute on `amount` of the invoice (None: everything still open on it)."""
    invoice = await _invoice(app, invoice_id)
    not_before_invoice("occurred_at", w.today, invoice.issue_date)
    contested = amount or Money.of(invoice.open_amount, invoice.currency)
    cmd = disputes.OpenDispute(new_id("dsp"), invoice_id, contested, reason, description)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        aggregate = f"dispute:{cmd.dispute_id}"
        history = await uow.load(aggregate)
        open_amount = Money.of(invoice.open_amount, invoice.currency)
        events = disputes.decide_open_dispute(
            disputes.replay_dispute(history), cmd, open_amount, w.today
        )
        await uow.append(aggregate, len(history), events, customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        return {"dispute_id": cmd.dispute_id, "status": "open"}
    return await run_command(app.store, w, body)


async def resolve_dispute(
    app: Collections, w: Origin, dispute_id: str, outcome: DisputeOutcome, note: str
) -> dict[str, Any]:
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        aggregate = f"dispute:{dispute_id}"
        history = await uow.load(aggregate)
        state = disputes.replay_dispute(history)
        cmd = disputes.ResolveDispute(dispute_id, outcome, note)
        events = disputes.decide_resolve_dispute(state, cmd, w.today)
        customer = state.customer_id if state else None
        await uow.append(aggregate, len(history), events, customer_id=customer,
                         occurred_at=w.occurred_at)
        return {"dispute_id": dispute_id, "status": "resolved",
                "outcome": outcome.value}
    return await run_command(app.store, w, body)


async def write_off(
    app: Collections, w: Origin, invoice_id: str, amount: Money | None, reason: str, approver: str,
    approval_limit: write_offs.ApprovalLimit | None = None,
) -> dict[str, Any]:
    """`approver` is the signed-in caller. Earlier write-offs on the customer count against
    the caller's limit: the caller's own, or everybody's (settings); above the four-eyes
    threshold the write-off is only requested (status `awaiting_second_approval`)."""
    invoice = await _invoice(app, invoice_id)
    not_before_invoice("occurred_at", w.today, invoice.issue_date)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        counted = None if app.write_off_limit_counts_everyone else approver
        before = await _written_off_before(uow.conn, app, invoice_id, invoice.customer_id,
                                           invoice.currency, counted)
        cmd = write_offs.WriteOffDebt(new_id("wo"), invoice_id, amount, reason, approver,
                                      approval_limit, before)
        aggregate = f"write-offs:{invoice_id}"
        history = await uow.load(aggregate)
        ledger = write_offs.replay_invoice_write_offs(invoice_id, history)
        events = write_offs.decide_write_off(
            ledger.write_offs.get(cmd.write_off_id), cmd, _open_now(invoice, ledger), w.today,
            app.write_off_second_approval_above,
        )
        await uow.append(aggregate, len(history), events, customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        (decided,) = events
        assert isinstance(decided, DebtWrittenOff | WriteOffRequested)
        await uow.conn.execute(
            f"INSERT INTO {ident(app.store.schema)}.{WRITE_OFF_INDEX} (write_off_id, invoice_id,"
            " customer_id, currency, amount, approver) VALUES ($1, $2, $3, $4, $5, $6)",
            cmd.write_off_id, invoice_id, invoice.customer_id, decided.amount.currency,
            decided.amount.amount, approver,
        )
        status = "written_off" if isinstance(decided, DebtWrittenOff) else "awaiting_second_approval"
        return {"write_off_id": cmd.write_off_id, "invoice_id": invoice_id,
                "amount": decided.amount.model_dump(mode="json"),
                "status": status}
    return await run_command(app.store, w, body)


async def approve_write_off(
    app: Collections, w: Origin, write_off_id: str, approver: str,
    approval_limit: write_offs.ApprovalLimit | None,
) -> dict[str, Any]:
    """The second person's approval of a requested write-off (four eyes)."""
    cmd = write_offs.ApproveWriteOff(write_off_id, approver, approval_limit)
    invoice_id = await _invoice_of_write_off(app, write_off_id)
    invoice = await _invoice(app, invoice_id)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        aggregate = f"write-offs:{invoice_id}"
        history = await uow.load(aggregate)
        ledger = write_offs.replay_invoice_write_offs(invoice_id, history)
        events = write_offs.decide_second_approval(ledger, cmd, _open_now(invoice, ledger),
                                                   w.today)
        await uow.append(aggregate, len(history), events, customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        requested_by = ledger.requested[write_off_id].requested_by
        return {"write_off_id": write_off_id, "invoice_id": invoice_id,
                "status": "written_off", "approvers": [requested_by, approver]}
    return await run_command(app.store, w, body)


def _open_now(invoice: InvoiceView, ledger: write_offs.InvoiceWriteOffs) -> Money:
    # Our own write-offs come from the event store (never behind), the rest from the
    # projection of invoicing and cash-application events.
    return Money.of(invoice.open_before_write_offs - ledger.net_written_off, invoice.currency)


async def _invoice_of_write_off(app: Collections, write_off_id: str) -> str:
    invoice_id: str | None = await app.store.pool.fetchval(
        f"SELECT invoice_id FROM {ident(app.store.schema)}.{WRITE_OFF_INDEX}"
        " WHERE write_off_id = $1", write_off_id)
    if invoice_id is None:
        raise NotFound("write_off_exists", f"no write-off {write_off_id}", "write_off_id")
    return invoice_id


async def _written_off_before(
    conn: asyncpg.Connection, app: Collections, invoice_id: str, customer_id: str,
    currency: str, approver: str | None,
) -> write_offs.WrittenOffBefore:
    """Earlier write-offs of the customer in `currency` (by `approver`, None: by anyone). The
    customer's lock serialises write-offs on its invoices: two at once cannot both fit."""
    s = ident(app.store.schema)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                       f"{s}.write-offs:{customer_id}")
    row = await conn.fetchrow(
        f"SELECT coalesce(sum(amount) FILTER (WHERE invoice_id = $2), 0) AS on_invoice,"
        f" coalesce(sum(amount), 0) AS on_customer FROM {s}.{WRITE_OFF_INDEX}"
        " WHERE customer_id = $1 AND currency = $3 AND ($4::text IS NULL OR approver = $4)",
        customer_id, invoice_id, currency, approver,
    )
    assert row is not None
    return write_offs.WrittenOffBefore(row["on_invoice"], row["on_customer"])


async def recover(app: Collections, w: Origin, write_off_id: str, amount: Money) -> dict[str, Any]:
    cmd = write_offs.RecoverWrittenOffDebt(new_id("rec"), write_off_id, amount)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        invoice_id = await uow.conn.fetchval(
            f"SELECT invoice_id FROM {ident(app.store.schema)}.{WRITE_OFF_INDEX} WHERE write_off_id = $1",
            write_off_id,
        )
        if invoice_id is None:
            raise NotFound("write_off_exists", f"no write-off {write_off_id}", "write_off_id")
        aggregate = f"write-offs:{invoice_id}"
        history = await uow.load(aggregate)
        ledger = write_offs.replay_invoice_write_offs(invoice_id, history)
        state = ledger.write_offs.get(write_off_id)
        events = write_offs.decide_recovery(state, cmd, w.today)
        await uow.append(aggregate, len(history), events,
                         customer_id=state.customer_id if state else None,
                         occurred_at=w.occurred_at)
        return {"recovery_id": cmd.recovery_id, "write_off_id": write_off_id}
    return await run_command(app.store, w, body)


async def record_promise(
    app: Collections, w: Origin, customer_id: str, invoice_ids: list[str], amount: Money,
    promised_date: date, recorded_by: str,
) -> dict[str, Any]:
    known = await app.read_model.invoices_of(customer_id, invoice_ids)
    if len(known) != len(set(invoice_ids)):
        raise InvalidRequest("invoices_of_customer", "every invoice must exist and belong to the customer",
                             "invoice_ids")
    if any(i.currency != amount.currency for i in known):
        raise InvalidRequest("invoice_currency", "use the invoices' currency", "amount.currency")
    for invoice in known:
        not_before_invoice("occurred_at", w.today, invoice.issue_date)
    cmd = promises.RecordPromise(new_id("ptp"), customer_id, tuple(invoice_ids), amount,
                                 promised_date, recorded_by)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        aggregate = f"promise:{cmd.promise_id}"
        history = await uow.load(aggregate)
        events = promises.decide_record_promise(promises.replay_promise(history), cmd, w.today)
        await uow.append(aggregate, len(history), events, customer_id=customer_id,
                         occurred_at=w.occurred_at)
        if app.letter_post:  # the written confirmation the practice asks for, as proof
            await LetterQueue(uow.conn, app.store.schema).enqueue(
                cmd.promise_id, DocumentKind.PROMISE_CONFIRMATION, customer_id, aggregate,
                w.occurred_at)
        return {"promise_id": cmd.promise_id, "status": "open"}
    return await run_command(app.store, w, body)


async def log_call(
    app: Collections, w: Origin, customer_id: str, contact_person: str, outcome: CallOutcome,
    note: str, called_at: datetime | None, collector: str, now: datetime,
) -> dict[str, Any]:
    cmd = calls.LogCall(new_id("call"), customer_id, contact_person, outcome,
                        called_at or w.occurred_at, collector, note)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        try:
            key = await keyring_of(app).key_to_seal(uow.conn, customer_id)
            events = calls.decide_log_call(cmd, now, lambda name: seal(name, customer_id, key))
        except SubjectErased:
            events = calls.decide_log_call(cmd, now, None)
        await uow.append(f"call:{cmd.call_id}", 0, events, customer_id=customer_id,
                         occurred_at=cmd.called_at)
        return {"call_id": cmd.call_id}
    return await run_command(app.store, w, body)


async def _invoice(app: Collections, invoice_id: str) -> InvoiceView:
    invoice = await app.read_model.invoice(invoice_id)
    if invoice is None:
        raise NotFound("invoice_known", f"no invoice {invoice_id} (yet)", "invoice_id")
    return invoice


async def request_invoice_copy(app: Collections, w: Origin, invoice_id: str, requested_by: str,
                               reason: str) -> dict[str, Any]:
    """"We never got the invoice": the letter post sends a copy of it at once."""
    if not app.letter_post:
        raise StateConflict("letter_post_on", "the letter post is off "
                            "(LEDGERLINE_LETTER_POST_ENABLED): no copy can be sent", None)
    invoice = await _invoice(app, invoice_id)
    copy_id = new_id("copy")

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        stream = f"invoice-copy:{copy_id}"
        requested = InvoiceCopyRequested(copy_id=copy_id, invoice_id=invoice_id,
                                         requested_by=requested_by, reason=reason)
        await uow.append(stream, 0, [requested], customer_id=invoice.customer_id,
                         occurred_at=w.occurred_at)
        await LetterQueue(uow.conn, app.store.schema).enqueue(
            copy_id, DocumentKind.INVOICE_COPY, invoice.customer_id, stream, w.occurred_at)
        return {"copy_id": copy_id, "invoice_id": invoice_id, "status": "queued"}
    return await run_command(app.store, w, body)


async def record_reference_rate(app: Collections, w: Origin, valid_from: date, rate: Decimal,
                                recorded_by: str) -> dict[str, Any]:
    """The reference rate late-payment interest adds the law's points to (a correction: the
    same date again)."""
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        stream = "reference-rates"
        history = await uow.load(stream)
        await uow.append(stream, len(history), [ReferenceRateRecorded(
            valid_from=valid_from, rate=rate, recorded_by=recorded_by)],
            customer_id=None, occurred_at=w.occurred_at)
        return {"valid_from": valid_from.isoformat(), "rate": format(rate, "f")}
    return await run_command(app.store, w, body)


async def claim_late_interest(app: Collections, w: Origin, invoice_id: str, as_of: date,
                              claimed_by: str) -> dict[str, Any]:
    """Claim what the invoice earned up to `as_of` and nobody claimed or waived: invoicing
    bills it on an interest note."""
    def claim(found: InvoiceInterest, interest: Money, indemnity: Money) -> LateInterestClaimed:
        return LateInterestClaimed(
            claim_id=new_id("lic"), invoice_id=invoice_id, invoice_number=found.invoice_number,
            customer=found.customer, as_of=as_of, days=found.accrual.days_accrued,
            interest=interest, indemnity=indemnity, claimed_by=claimed_by)
    return await _settle_interest(app, w, invoice_id, as_of, claim, "claim_id")


async def waive_late_interest(app: Collections, w: Origin, invoice_id: str, as_of: date,
                              reason: str, waived_by: str, approved_by: str) -> dict[str, Any]:
    """Give up what the invoice earned up to `as_of` and nobody claimed or waived (four eyes)."""
    second_person(waived_by, approved_by)

    def waiver(_: InvoiceInterest, interest: Money, indemnity: Money) -> LateInterestWaived:
        return LateInterestWaived(
            waiver_id=new_id("liw"), invoice_id=invoice_id, as_of=as_of, interest=interest,
            indemnity=indemnity, reason=reason, waived_by=waived_by, approved_by=approved_by)
    return await _settle_interest(app, w, invoice_id, as_of, waiver, "waiver_id")


async def _settle_interest(
    app: Collections, w: Origin, invoice_id: str, as_of: date,
    record: Callable[[InvoiceInterest, Money, Money], LateInterestClaimed | LateInterestWaived],
    id_field: str,
) -> dict[str, Any]:
    """Claim or waive (`record`) what accrued since the last claim or waiver, in the invoice's
    `late-interest:<invoice id>` stream."""
    found = await _interest(app, invoice_id, as_of, w)

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        stream = f"late-interest:{invoice_id}"
        history = await uow.load(stream)
        interest, indemnity = still_due(found.accrual, settled_of(e.payload for e in history),
                                        as_of)
        event = record(found, Money.of(interest, found.currency),
                       Money.of(indemnity, found.currency))
        await uow.append(stream, len(history), [event], customer_id=found.customer.customer_id,
                         occurred_at=w.occurred_at)
        return event.model_dump(mode="json", include={id_field, "invoice_id", "as_of",
                                                      "interest", "indemnity"})
    return await run_command(app.store, w, body)


async def _interest(app: Collections, invoice_id: str, as_of: date, w: Origin
                    ) -> InvoiceInterest:
    not_after_today("as_of", as_of, w.today)
    found = await invoice_interest(app.read_model, invoice_id, as_of)
    if found is None:
        raise NotFound("invoice_known", f"no invoice {invoice_id} (yet)", "invoice_id")
    return found


async def agree_interest_terms(app: Collections, w: Origin, customer_id: str,
                               agreed_rate: Decimal | None, charged: bool,
                               recorded_by: str) -> dict[str, Any]:
    """The customer's contract terms for late-payment interest (the latest count)."""
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        stream = f"interest-terms:{customer_id}"
        history = await uow.load(stream)
        await uow.append(stream, len(history), [InterestTermsAgreed(
            agreed_rate=agreed_rate, charged=charged, recorded_by=recorded_by)],
            customer_id=customer_id, occurred_at=w.occurred_at)
        return {"customer_id": customer_id, "charged": charged,
                "agreed_rate": None if agreed_rate is None else format(agreed_rate, "f")}
    return await run_command(app.store, w, body)
