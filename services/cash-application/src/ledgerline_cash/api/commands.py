"""Write endpoints: thin routes that parse, date the command (its business instant), and call
the cash desk; rules and their refusals live in the domain. Every command is finance's (and
admin's); the host adds authentication."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from ledgerline_events.contract.base import UtcDateTime
from ledgerline_events.contract.business_time import business_instant
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime import OptionalIdempotencyKey, origin_of, requires

from ..adapters.statements import StatementFormat
from ..application.commands import (
    AllocatePayment,
    RecordPayment,
    RefundCredit,
    RefundCustomer,
    ReverseAllocation,
    ReversePayment,
)
from ..config import Settings
from .deps import IdempotencyKey, Latest, Now, Service
from .schemas import (
    Allocated,
    AllocationIn,
    CustomerRefunded,
    PaymentIn,
    PaymentRecorded,
    PaymentReversedOut,
    Refunded,
    RefundIn,
    ReversalIn,
    StatementImported,
    Unallocated,
)
from .upload import uploaded_file

router = APIRouter(tags=["payments"], dependencies=[requires("finance")])


@router.post("/payments", status_code=201, summary="Record a payment and apply it",
               response_model=PaymentRecorded)
async def record_payment(body: PaymentIn, request: Request, desk: Service, key: IdempotencyKey,
                         now: Now, latest: Latest) -> dict[str, Any]:
    at = business_instant("occurred_at", body.occurred_at, body.received_on, now, latest)
    return await desk.record_payment(RecordPayment(**_without_instant(body)),
                                     origin_of(request, key, body, at))


async def import_statement(
    request: Request, desk: Service, fmt: Annotated[StatementFormat, Query(alias="format")],
    now: Now, key: OptionalIdempotencyKey = None,
    profile: Annotated[str, Query(max_length=64)] = "ledgerline",
) -> dict[str, Any]:
    """A bank file; `profile` names the CSV layout (README: CSV profiles)."""
    settings: Settings = request.app.state.runtime.settings
    csv_profile = settings.csv_profile(profile)
    if csv_profile is None:
        known = ", ".join(settings.csv_profile_names())
        raise InvalidRequest("unknown_csv_profile", f"no CSV profile '{profile}'; known: {known}",
                             "profile")
    return await desk.import_statement(fmt, await uploaded_file(request),
                                       origin_of(request, key, None, now), csv_profile)


@router.post("/payments/{payment_id}/allocations", status_code=201,
               summary="Allocate unapplied cash to an invoice by hand", response_model=Allocated)
async def allocate(
    payment_id: str, body: AllocationIn, request: Request, desk: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
) -> dict[str, Any]:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await desk.allocate(
        AllocatePayment(payment_id, **_without_instant(body)),
        origin_of(request, key, body, at))


@router.delete("/payments/{payment_id}/allocations/{allocation_id}",
                 summary="Undo an allocation", response_model=Unallocated)
async def unallocate(
    payment_id: str, allocation_id: str, request: Request, desk: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
    reason: Annotated[str, Query(min_length=1, max_length=500)] = "unallocated by hand",
    occurred_at: Annotated[UtcDateTime | None, Query()] = None,
) -> dict[str, Any]:
    at = business_instant("occurred_at", occurred_at, None, now, latest)
    return await desk.unallocate(ReverseAllocation(payment_id, allocation_id, reason),
                                 origin_of(request, key, None, at))


@router.post("/payments/{payment_id}/reverse", summary="Reverse a bounced/recalled payment",
               response_model=PaymentReversedOut)
async def reverse(
    payment_id: str, body: ReversalIn, request: Request, desk: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
) -> dict[str, Any]:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await desk.reverse(ReversePayment(payment_id, body.reason),
                              origin_of(request, key, body, at))


@router.post("/payments/{payment_id}/refunds", status_code=201,
               summary="Refund credit on account held by one payment or credit",
               response_model=Refunded)
async def refund(payment_id: str, body: RefundIn, request: Request, desk: Service,
                 key: IdempotencyKey, now: Now, latest: Latest) -> dict[str, Any]:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await desk.refund(RefundCredit(payment_id, body.amount, body.reason),
                             origin_of(request, key, body, at))


@router.post("/customers/{customer_id}/refunds", status_code=201,
               summary="Refund a customer's credit on account, from its oldest sources first",
               response_model=CustomerRefunded)
async def refund_customer(
    customer_id: str, body: RefundIn, request: Request, desk: Service, key: IdempotencyKey,
    now: Now, latest: Latest,
) -> dict[str, Any]:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await desk.refund_customer(RefundCustomer(customer_id, body.amount, body.reason),
                                      origin_of(request, key, body, at))


def _without_instant(body: BaseModel) -> dict[str, Any]:
    """The command's fields (nested values kept as models); the instant travels in its Origin."""
    return {name: value for name, value in body if name != "occurred_at"}


def statements_router(max_bytes: int) -> APIRouter:
    """Statement files may be larger than the host's default body limit (settings)."""
    router = APIRouter(tags=["payments"], dependencies=[requires("finance")],
                       max_body_size=max_bytes)
    router.add_api_route("/statements", import_statement, methods=["POST"], status_code=201,
                         summary="Import a bank statement file", response_model=StatementImported)
    return router
