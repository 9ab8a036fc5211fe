"""Write API: thin routes that build a command and call the application layer.

Who may call what (the host adds authentication; admin may do everything): collectors run
dunning, evaluate promises, log calls, record promises and open disputes; finance opens and
resolves disputes, writes off (up to the caller's approval limit) and records recoveries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status

from ledgerline_events.contract.customer_master import CustomerDetails
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime import Caller, CurrentCaller, origin_of, requires

from ..application import agency_handover, commands
from ..application.context import Collections
from ..application.customer_master import change_master, master_now
from ..application.dunning_review import approve_run
from ..application.dunning_run import DunningRun, dunning_answer, run_dunning_once
from ..application.letter_voids import void_letter
from ..application.promise_evaluation import evaluate_promises
from ..domain import customer_master as master
from ..domain.business_dates import not_after_today
from ..domain.write_offs import ApprovalLimit
from .command_answers import (
    CallLogged,
    CustomerMasterChanged,
    DisputeOpenedOut,
    DisputeResolvedOut,
    DunningRunApprovedOut,
    DunningRunDone,
    HandedOver,
    InterestClaimed,
    InterestTermsOut,
    InterestWaived,
    InvoiceCopyQueued,
    LetterVoided,
    PromiseRecorded,
    PromisesEvaluated,
    ProposedRun,
    RecoveryRecorded,
    ReferenceRateRecordedOut,
    WriteOffApproved,
    WriteOffDecided,
)
from .deps import IdempotencyKey, Latest, Now, OptionalIdempotencyKey, Service, write_of
from .schemas import (
    ApprovalBody,
    ApproveRunBody,
    CallBody,
    ContactBody,
    DetailsBody,
    DisputeBody,
    DunningRunBody,
    ErasureBody,
    EvaluatePromisesBody,
    HandoverBody,
    InterestClaimBody,
    InterestTermsBody,
    InterestWaiverBody,
    InvoiceCopyBody,
    PromiseBody,
    RecoveryBody,
    ReferenceRateBody,
    ResolveBody,
    VoidLetterBody,
    WriteOffBody,
)

router = APIRouter(tags=["collections commands"])
CREATED = status.HTTP_201_CREATED
COLLECTOR, FINANCE = [requires("collector")], [requires("finance")]
COLLECTOR_OR_FINANCE = [requires("collector", "finance")]
ContactId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


def approval_limit_of(caller: Caller) -> ApprovalLimit | None:
    """Admin: no limit; anyone else: the token's limit, or nothing at all."""
    if "admin" in caller.roles:
        return None
    limit = caller.approval_limit
    return ApprovalLimit(limit.amount, limit.currency) if limit else ApprovalLimit(Decimal(0))


@router.post("/dunning-runs", summary="Send (or, dry, show) the dunning letters due on run_date",
             dependencies=COLLECTOR, response_model=DunningRunDone)
async def dunning_run(body: DunningRunBody, request: Request, app: Service, now: Now, latest: Latest,
                      key: OptionalIdempotencyKey = None) -> dict[str, Any]:
    """One letter per customer and currency with something newly due, as things stood on
    run_date (today or earlier); running twice the same day sends nothing new (idempotent
    per customer, currency and run date). With `Idempotency-Key`, a repeat answers the
    first run's answer. `dry_run` returns the letters without sending them."""
    w = write_of(request, key or "", body, now, latest)
    run_date = body.run_date or w.today
    not_after_today("run_date", run_date, now.date())
    run = DunningRun(run_date, scope_of(app, body.customer_ids, body.collector), body.dry_run,
                     actor=w.actor)
    if key is None:
        return await dunning_answer(app, run, w.occurred_at)
    return await run_dunning_once(app, w, run)


def scope_of(app: Collections, customer_ids: list[str] | None, collector: str | None
             ) -> tuple[str, ...] | None:
    """The customers a run covers: those named, those of the collector's portfolio (both:
    those in both), or everyone."""
    if collector is None:
        return None if customer_ids is None else tuple(sorted(set(customer_ids)))
    portfolio = app.portfolios.get(collector)
    if portfolio is None:
        raise InvalidRequest("collector_known", f"no portfolio for collector {collector} (settings)",
                             "collector")
    named = set(portfolio) if customer_ids is None else set(portfolio) & set(customer_ids)
    return tuple(sorted(named))


@router.get("/dunning-runs/proposed", summary="Scheduled runs waiting for approval",
            response_model=list[ProposedRun])
async def proposed_runs(app: Service) -> list[dict[str, Any]]:
    return await app.read_model.proposed_runs()


@router.post("/dunning-runs/{run_id}/approve", summary="Approve a proposed run: its letters go out",
             dependencies=COLLECTOR, response_model=DunningRunApprovedOut)
async def approve(run_id: str, body: ApproveRunBody, request: Request, app: Service, now: Now,
                  latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await approve_run(app, w, run_id, body.approved_by)


@router.post("/reminders/{reminder_id}/void", summary="Void a letter sent in error",
             dependencies=COLLECTOR, response_model=LetterVoided)
async def void(reminder_id: str, body: VoidLetterBody, request: Request, app: Service, now: Now,
               latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    """The letter stays in the log; from the void's date the ladder goes on without it."""
    w = write_of(request, key, body, now, latest)
    return await void_letter(app, w, reminder_id, body.reason, body.voided_by)


@router.post("/promises/evaluate", summary="Mark promises to pay kept or broken as of a date",
             dependencies=COLLECTOR, response_model=PromisesEvaluated)
async def promises_evaluate(body: EvaluatePromisesBody, request: Request, app: Service,
                            now: Now, latest: Latest) -> dict[str, Any]:
    w = write_of(request, "", body, now, latest)
    as_of = body.as_of or w.today
    not_after_today("as_of", as_of, now.date())
    settled = await evaluate_promises(app, as_of, w.occurred_at, body.customer_ids)
    return {"as_of": as_of.isoformat(), "settled": settled}


@router.post("/customers/{customer_id}/calls", status_code=CREATED, summary="Log a call",
             dependencies=COLLECTOR, response_model=CallLogged)
async def log_call(customer_id: str, body: CallBody, request: Request, app: Service, now: Now, latest: Latest,
                   key: IdempotencyKey) -> dict[str, Any]:
    contact = body.contact.contact(body.contact.contact_id) if body.contact else None
    if contact is not None:
        master.check_contact(contact)  # refused before anything is recorded
    w = write_of(request, key, body, now, latest)
    logged = await commands.log_call(app, w, customer_id, body.contact_person, body.outcome,
                                     body.note, body.called_at, body.collector, now)
    if contact is None:
        return logged
    kept = origin_of(request, f"{key}:contact", body.contact, w.occurred_at)
    await change_master(app, kept, customer_id,
                        lambda m, seal: master.save_contact(m, contact, body.collector, seal))
    return {**logged, "contact_id": contact.contact_id}


@router.post("/customers/{customer_id}/promises", status_code=CREATED,
             summary="Record a promise to pay", dependencies=COLLECTOR,
             response_model=PromiseRecorded)
async def record_promise(customer_id: str, body: PromiseBody, request: Request, app: Service,
                         now: Now, latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.record_promise(app, w, customer_id, body.invoice_ids, body.amount,
                                         body.promised_date, body.recorded_by)


@router.post("/invoices/{invoice_id}/disputes", status_code=CREATED, summary="Open a dispute",
             dependencies=COLLECTOR_OR_FINANCE, response_model=DisputeOpenedOut)
async def open_dispute(invoice_id: str, body: DisputeBody, request: Request, app: Service,
                       now: Now, latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.open_dispute(app, w, invoice_id, body.amount, body.reason,
                                       body.description)


@router.post("/disputes/{dispute_id}/resolve", summary="Resolve a dispute", dependencies=FINANCE,
             response_model=DisputeResolvedOut)
async def resolve_dispute(dispute_id: str, body: ResolveBody, request: Request, app: Service,
                          now: Now, latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.resolve_dispute(app, w, dispute_id, body.outcome, body.note)


@router.post("/invoices/{invoice_id}/write-offs", status_code=CREATED,
             summary="Write off bad debt (full or partial, up to your approval limit)",
             dependencies=FINANCE, response_model=WriteOffDecided)
async def write_off(invoice_id: str, body: WriteOffBody, request: Request, app: Service,
                    now: Now, latest: Latest, key: IdempotencyKey, caller: CurrentCaller) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.write_off(app, w, invoice_id, body.amount, body.reason, caller.name,
                                    approval_limit_of(caller))


@router.post("/write-offs/{write_off_id}/approve", status_code=CREATED,
             summary="Approve a write-off someone else asked for (four eyes)",
             dependencies=FINANCE, response_model=WriteOffApproved)
async def approve_write_off(write_off_id: str, body: ApprovalBody, request: Request, app: Service,
                            now: Now, latest: Latest, key: IdempotencyKey,
                            caller: CurrentCaller) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.approve_write_off(app, w, write_off_id, caller.name,
                                            approval_limit_of(caller))


@router.post("/write-offs/{write_off_id}/recoveries", status_code=CREATED,
             summary="Record a recovery of written-off debt", dependencies=FINANCE,
             response_model=RecoveryRecorded)
async def recover(write_off_id: str, body: RecoveryBody, request: Request, app: Service,
                  now: Now, latest: Latest, key: IdempotencyKey) -> dict[str, Any]:
    w = write_of(request, key, body, now, latest)
    return await commands.recover(app, w, write_off_id, body.amount)


@router.put("/customers/{customer_id}/details", summary="Record the customer's details",
            dependencies=COLLECTOR_OR_FINANCE, response_model=CustomerMasterChanged)
async def record_details(customer_id: str, body: DetailsBody, request: Request, app: Service,
                         now: Now, latest: Latest, key: IdempotencyKey,
                         caller: CurrentCaller) -> dict[str, Any]:
    details = CustomerDetails.model_validate(body.model_dump(exclude={"occurred_at"}))
    changed = await change_master(app, write_of(request, key, body, now, latest), customer_id,
                                  lambda m, _: master.record_details(m, details, caller.name))
    return {**changed, **await master_now(app, customer_id)}


@router.put("/customers/{customer_id}/contacts/{contact_id}", summary="Add or change a contact",
            dependencies=COLLECTOR_OR_FINANCE, response_model=CustomerMasterChanged)
async def save_contact(customer_id: str, contact_id: ContactId, body: ContactBody,
                       request: Request, app: Service, now: Now, latest: Latest,
                       key: IdempotencyKey, caller: CurrentCaller) -> dict[str, Any]:
    contact = body.contact(contact_id)
    changed = await change_master(
        app, write_of(request, key, body, now, latest), customer_id,
        lambda m, seal: master.save_contact(m, contact, caller.name, seal))
    return {**changed, **await master_now(app, customer_id)}


@router.delete("/customers/{customer_id}/contacts/{contact_id}", summary="Remove a contact",
               dependencies=COLLECTOR_OR_FINANCE, response_model=CustomerMasterChanged)
async def remove_contact(customer_id: str, contact_id: ContactId, request: Request,
                         app: Service, now: Now, latest: Latest, key: IdempotencyKey,
                         caller: CurrentCaller) -> dict[str, Any]:
    changed = await change_master(app, write_of(request, key, None, now, latest), customer_id,
                                  lambda m, _: master.remove_contact(m, contact_id, caller.name))
    return {**changed, **await master_now(app, customer_id)}


@router.post("/customers/{customer_id}/personal-data/erase",
             summary="Erase the customer's personal data (a data subject's request)",
             dependencies=FINANCE, response_model=CustomerMasterChanged)
async def erase_personal_data(customer_id: str, body: ErasureBody, request: Request,
                              app: Service, now: Now, latest: Latest, key: IdempotencyKey,
                              caller: CurrentCaller) -> dict[str, Any]:
    """Contacts' names, e-mails and phones become unreadable everywhere, for good; the
    financial facts stay for their legal retention."""
    changed = await change_master(app, write_of(request, key, body, now, latest), customer_id,
                                  lambda m, _: master.erase(m, caller.name, body.reason))
    return {**changed, **await master_now(app, customer_id)}


@router.post("/invoices/{invoice_id}/copies", status_code=CREATED,
             summary="Send the customer a copy of the invoice now (\"we never got it\")",
             dependencies=COLLECTOR_OR_FINANCE, response_model=InvoiceCopyQueued)
async def send_invoice_copy(invoice_id: str, body: InvoiceCopyBody, request: Request,
                            app: Service, now: Now, latest: Latest, key: IdempotencyKey,
                            caller: CurrentCaller) -> dict[str, Any]:
    return await commands.request_invoice_copy(app, write_of(request, key, body, now, latest),
                                               invoice_id, caller.name, body.reason)


@router.post("/customers/{customer_id}/agency-handovers", status_code=CREATED,
             summary="Hand the account over to a collection agency (after the final notice)",
             dependencies=FINANCE, response_model=HandedOver)
async def hand_over(customer_id: str, body: HandoverBody, request: Request, app: Service,
                    now: Now, latest: Latest, key: IdempotencyKey,
                    caller: CurrentCaller) -> dict[str, Any]:
    """Our own dunning of the account stops; the file is at
    GET /customers/{customer_id}/agency-handovers/{handover_id} (JSON, or /pdf)."""
    return await agency_handover.hand_over(app, write_of(request, key, body, now, latest),
                                           customer_id, body.currency, body.agency, caller.name)


@router.put("/reference-rates/{valid_from}", summary="Record the ECB reference rate set from a date",
            dependencies=FINANCE, response_model=ReferenceRateRecordedOut)
async def record_reference_rate(valid_from: date, body: ReferenceRateBody, request: Request,
                                app: Service, now: Now, latest: Latest,
                                key: IdempotencyKey) -> dict[str, Any]:
    """Late-payment interest adds the law's points to the rate in force when each half-year
    begins; recording the same date again corrects it."""
    return await commands.record_reference_rate(
        app, write_of(request, key, body, now, latest), valid_from, body.rate, body.recorded_by)


@router.post("/invoices/{invoice_id}/late-interest/claims", status_code=CREATED,
             summary="Claim the late-payment interest an invoice earned", dependencies=FINANCE,
             response_model=InterestClaimed)
async def claim_late_interest(invoice_id: str, body: InterestClaimBody, request: Request,
                              app: Service, now: Now, latest: Latest,
                              key: IdempotencyKey) -> dict[str, Any]:
    """What it earned up to `as_of` beyond earlier claims and waivers (LateInterestClaimed);
    invoicing bills it on an interest note (series INT)."""
    return await commands.claim_late_interest(
        app, write_of(request, key, body, now, latest), invoice_id, body.as_of, body.claimed_by)


@router.post("/invoices/{invoice_id}/late-interest/waivers", status_code=CREATED,
             summary="Waive the late-payment interest an invoice earned", dependencies=FINANCE,
             response_model=InterestWaived)
async def waive_late_interest(invoice_id: str, body: InterestWaiverBody, request: Request,
                              app: Service, now: Now, latest: Latest,
                              key: IdempotencyKey) -> dict[str, Any]:
    """Give up what it earned up to `as_of` beyond earlier claims and waivers, approved by a
    second person (LateInterestWaived)."""
    return await commands.waive_late_interest(
        app, write_of(request, key, body, now, latest), invoice_id, body.as_of, body.reason,
        body.waived_by, body.approved_by)


@router.put("/customers/{customer_id}/interest-terms", summary="A contract's late-payment terms",
            dependencies=FINANCE, response_model=InterestTermsOut)
async def agree_interest_terms(customer_id: str, body: InterestTermsBody, request: Request,
                               app: Service, now: Now, latest: Latest,
                               key: IdempotencyKey) -> dict[str, Any]:
    """Its own yearly rate instead of the law's, or no interest (consumers); InterestTermsAgreed."""
    return await commands.agree_interest_terms(
        app, write_of(request, key, body, now, latest), customer_id, body.agreed_rate,
        body.charged, body.recorded_by)
