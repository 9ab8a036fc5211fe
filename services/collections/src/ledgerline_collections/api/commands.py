"""Write API: thin routes that build a command and call the application layer.

Who may call what (the host adds authentication; admin may do everything): collectors run
dunning, evaluate promises, log calls, record promises and open disputes; finance opens and
resolves disputes, writes off (up to the caller's approval limit) and records recoveries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, status

from ledgerline_events.runtime import Caller, CurrentCaller, requires

from ..application import commands
from ..application.dunning_run import run_dunning
from ..application.promise_evaluation import evaluate_promises
from ..domain.write_offs import ApprovalLimit
from .deps import App, IdempotencyKey, Now, write_of
from .schemas import (
    ApprovalBody,
    CallBody,
    DisputeBody,
    DunningRunBody,
    EvaluatePromisesBody,
    PromiseBody,
    RecoveryBody,
    ResolveBody,
    WriteOffBody,
)

router = APIRouter(tags=["collections commands"])
CREATED = status.HTTP_201_CREATED
COLLECTOR, FINANCE = [requires("collector")], [requires("finance")]
COLLECTOR_OR_FINANCE = [requires("collector", "finance")]


def approval_limit_of(caller: Caller) -> ApprovalLimit | None:
    """Admin: no limit; anyone else: the token's limit, or nothing at all."""
    if "admin" in caller.roles:
        return None
    limit = caller.approval_limit
    return ApprovalLimit(limit.amount, limit.currency) if limit else ApprovalLimit(Decimal(0))


@router.post("/dunning-runs", summary="Send the dunning letters due on run_date",
             dependencies=COLLECTOR)
async def dunning_run(body: DunningRunBody, app: App, clock: Now) -> dict[str, Any]:
    """One letter per customer and currency with something newly due; running twice the
    same day sends nothing new (idempotent per customer, currency and run date)."""
    occurred_at = body.occurred_at or clock()
    run_date = body.run_date or occurred_at.date()
    sent = await run_dunning(app, run_date, occurred_at)
    return {"run_date": run_date.isoformat(), "letters_sent": len(sent), "reminders": sent}


@router.post("/promises/evaluate", summary="Mark promises to pay kept or broken as of a date",
             dependencies=COLLECTOR)
async def promises_evaluate(body: EvaluatePromisesBody, app: App, clock: Now) -> dict[str, Any]:
    occurred_at = body.occurred_at or clock()
    as_of = body.as_of or occurred_at.date()
    settled = await evaluate_promises(app, as_of, occurred_at)
    return {"as_of": as_of.isoformat(), "settled": settled}


@router.post("/customers/{customer_id}/calls", status_code=CREATED, summary="Log a call",
             dependencies=COLLECTOR)
async def log_call(customer_id: str, body: CallBody, request: Request, app: App, clock: Now,
                   key: IdempotencyKey) -> dict[str, Any]:
    now = clock()
    w = write_of(request, key, body, now)
    return await commands.log_call(app, w, customer_id, body.contact_person, body.outcome,
                                   body.note, body.called_at, body.collector, now)


@router.post("/customers/{customer_id}/promises", status_code=CREATED,
             summary="Record a promise to pay", dependencies=COLLECTOR)
async def record_promise(customer_id: str, body: PromiseBody, request: Request, app: App,
                         clock: Now, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.record_promise(app, w, customer_id, body.invoice_ids, body.amount,
                                         body.promised_date, body.recorded_by)


@router.post("/invoices/{invoice_id}/disputes", status_code=CREATED, summary="Open a dispute",
             dependencies=COLLECTOR_OR_FINANCE)
async def open_dispute(invoice_id: str, body: DisputeBody, request: Request, app: App,
                       clock: Now, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.open_dispute(app, w, invoice_id, body.amount, body.reason,
                                       body.description)


@router.post("/disputes/{dispute_id}/resolve", summary="Resolve a dispute", dependencies=FINANCE)
async def resolve_dispute(dispute_id: str, body: ResolveBody, request: Request, app: App,
                          clock: Now, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.resolve_dispute(app, w, dispute_id, body.outcome, body.note)


@router.post("/invoices/{invoice_id}/write-offs", status_code=CREATED,
             summary="Write off bad debt (full or partial, up to your approval limit)",
             dependencies=FINANCE)
async def write_off(invoice_id: str, body: WriteOffBody, request: Request, app: App,
                    clock: Now, key: IdempotencyKey, caller: CurrentCaller) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.write_off(app, w, invoice_id, body.amount, body.reason, caller.name,
                                    approval_limit_of(caller))


@router.post("/write-offs/{write_off_id}/approve", status_code=CREATED,
             summary="Approve a write-off someone else asked for (four eyes)",
             dependencies=FINANCE)
async def approve_write_off(write_off_id: str, body: ApprovalBody, request: Request, app: App,
                            clock: Now, key: IdempotencyKey,
                            caller: CurrentCaller) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.approve_write_off(app, w, write_off_id, caller.name,
                                            approval_limit_of(caller))


@router.post("/write-offs/{write_off_id}/recoveries", status_code=CREATED,
             summary="Record a recovery of written-off debt", dependencies=FINANCE)
async def recover(write_off_id: str, body: RecoveryBody, request: Request, app: App,
                  clock: Now, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, clock())
    return await commands.recover(app, w, write_off_id, body.amount)
