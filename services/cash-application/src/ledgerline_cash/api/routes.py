"""HTTP API: thin routers that parse, call the cash desk or the queries, and map errors.
Every command is finance's (and admin's); reads are open to any signed-in caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from ledgerline_events.contract.base import UtcDateTime
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime import (
    CurrentCaller,
    IdempotencyKey,
    OptionalIdempotencyKey,
    requires,
)
from ledgerline_events.runtime.auth import without_bank_details
from ledgerline_events.runtime.edges import AsOf, KnownAt

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
from .deps import Desk, Queries
from .schemas import (
    Allocated,
    AllocationIn,
    Balance,
    CustomerRefunded,
    InvoiceClearing,
    OpenItems,
    PaymentDetail,
    PaymentIn,
    PaymentRecorded,
    PaymentReversedOut,
    Refunded,
    RefundIn,
    ReversalIn,
    StatementImported,
    Unallocated,
    Unapplied,
)
from .upload import uploaded_file

commands = APIRouter(tags=["payments"], dependencies=[requires("finance")])
reads = APIRouter(tags=["read"])


@commands.post("/payments", status_code=201, summary="Record a payment and apply it",
               response_model=PaymentRecorded)
async def record_payment(body: PaymentIn, desk: Desk, key: IdempotencyKey) -> dict[str, Any]:
    return await desk.record_payment(RecordPayment(**dict(body)), key)


async def import_statement(
    request: Request, desk: Desk, fmt: Annotated[StatementFormat, Query(alias="format")],
    key: OptionalIdempotencyKey = None,
    profile: Annotated[str, Query(max_length=64)] = "ledgerline",
) -> dict[str, Any]:
    """A bank file; `profile` names the CSV layout (README: CSV profiles)."""
    settings: Settings = request.app.state.settings
    csv_profile = settings.csv_profile(profile)
    if csv_profile is None:
        known = ", ".join(settings.csv_profile_names())
        raise InvalidRequest("unknown_csv_profile", f"no CSV profile '{profile}'; known: {known}",
                             "profile")
    return await desk.import_statement(fmt, await uploaded_file(request), key, csv_profile)


@commands.post("/payments/{payment_id}/allocations", status_code=201,
               summary="Allocate unapplied cash to an invoice by hand", response_model=Allocated)
async def allocate(
    payment_id: str, body: AllocationIn, desk: Desk, key: IdempotencyKey
) -> dict[str, Any]:
    return await desk.allocate(AllocatePayment(payment_id, **dict(body)), key)


@commands.delete("/payments/{payment_id}/allocations/{allocation_id}",
                 summary="Undo an allocation", response_model=Unallocated)
async def unallocate(
    payment_id: str, allocation_id: str, desk: Desk, key: IdempotencyKey,
    reason: Annotated[str, Query(min_length=1, max_length=500)] = "unallocated by hand",
    occurred_at: Annotated[UtcDateTime | None, Query()] = None,
) -> dict[str, Any]:
    return await desk.unallocate(
        ReverseAllocation(payment_id, allocation_id, reason, occurred_at), key)


@commands.post("/payments/{payment_id}/reverse", summary="Reverse a bounced/recalled payment",
               response_model=PaymentReversedOut)
async def reverse(
    payment_id: str, body: ReversalIn, desk: Desk, key: IdempotencyKey
) -> dict[str, Any]:
    return await desk.reverse(ReversePayment(payment_id, body.reason, body.occurred_at), key)


@commands.post("/payments/{payment_id}/refunds", status_code=201,
               summary="Refund credit on account held by one payment or credit",
               response_model=Refunded)
async def refund(payment_id: str, body: RefundIn, desk: Desk, key: IdempotencyKey) -> dict[str, Any]:
    return await desk.refund(
        RefundCredit(payment_id, body.amount, body.reason, body.occurred_at), key)


@commands.post("/customers/{customer_id}/refunds", status_code=201,
               summary="Refund a customer's credit on account, from its oldest sources first",
               response_model=CustomerRefunded)
async def refund_customer(
    customer_id: str, body: RefundIn, desk: Desk, key: IdempotencyKey
) -> dict[str, Any]:
    return await desk.refund_customer(
        RefundCustomer(customer_id, body.amount, body.reason, body.occurred_at), key)


@reads.get("/customers/{customer_id}/open-items", response_model=OpenItems,
           summary="The customer's invoices with something to pay, oldest due first")
async def open_items(
    customer_id: str, queries: Queries, as_of: AsOf = None, known_at: KnownAt = None
) -> dict[str, Any]:
    return {"customer_id": customer_id, "as_of": as_of, "known_at": known_at,
            "open_items": await queries.open_items(customer_id, as_of, known_at)}


@reads.get("/customers/{customer_id}/balance", response_model=Balance,
           summary="What the customer owes and holds on account, per currency")
async def balance(
    customer_id: str, queries: Queries, as_of: AsOf = None, known_at: KnownAt = None
) -> dict[str, Any]:
    return {"customer_id": customer_id, "as_of": as_of, "known_at": known_at,
            "currencies": await queries.balance(customer_id, as_of, known_at)}


@reads.get("/invoices/{invoice_id}", summary="An invoice as clearing sees it",
           response_model=InvoiceClearing)
async def invoice(invoice_id: str, queries: Queries) -> dict[str, Any]:
    found = await queries.invoice(invoice_id)
    if found is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return found


@reads.get("/unapplied", response_model=Unapplied,
           summary="Cash waiting for a person: unidentified payers first, then credit on account")
async def unapplied(queries: Queries, caller: CurrentCaller) -> dict[str, Any]:
    return {"payments": without_bank_details(await queries.unapplied(), caller)}


@reads.get("/payments/{payment_id}", response_model=PaymentDetail,
           summary="A payment and its allocations")
async def payment(payment_id: str, queries: Queries, caller: CurrentCaller) -> dict[str, Any]:
    found = await queries.payment(payment_id)
    if found is None:
        raise HTTPException(404, f"no payment {payment_id}")
    answer: dict[str, Any] = without_bank_details(found, caller)
    return answer


def statements_router(max_bytes: int) -> APIRouter:
    """Statement files may be larger than the host's default body limit (settings)."""
    router = APIRouter(tags=["payments"], dependencies=[requires("finance")],
                       max_body_size=max_bytes)
    router.add_api_route("/statements", import_statement, methods=["POST"], status_code=201,
                         summary="Import a bank statement file", response_model=StatementImported)
    return router


def routers(settings: Settings) -> list[APIRouter]:
    return [commands, statements_router(settings.statement_max_request_bytes), reads]
