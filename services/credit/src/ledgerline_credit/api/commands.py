"""Write endpoints: credit limits, credit checks, manual holds and their release.

Who may call them (the host adds authentication; admin may do everything):
sales systems ask for credit checks; finance sets limits and places and releases holds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Path, Request

from ledgerline_credit.application import account_handlers, credit_check
from ledgerline_credit.application.commands import (
    CheckCredit,
    PlaceManualHold,
    ReleaseHold,
    SetCreditLimit,
)
from ledgerline_events.contract import Money
from ledgerline_events.contract.business_time import business_instant, end_of, not_in_the_future
from ledgerline_events.contract.money import check_currency
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime import origin_of, requires

from .deps import IdempotencyKey, Latest, Now, OptionalIdempotencyKey, Service
from .schemas import (
    CreditCheckBody,
    CreditCheckOut,
    CreditLimitOut,
    HoldBody,
    HoldPlacedOut,
    HoldReleasedOut,
    LimitBody,
    ReleaseBody,
)

router = APIRouter(tags=["credit"])
SALES_SYSTEM, FINANCE = [requires("sales-system")], [requires("finance")]
CustomerId = Path(min_length=1, max_length=64)


def _currency(code: str) -> str:
    try:
        return check_currency(code.upper())
    except ValueError as exc:
        raise InvalidRequest("iso_4217", str(exc), "currency", where="path") from exc


def _money(amount: Decimal, currency: str) -> Money:
    if not amount.is_finite():
        raise InvalidRequest("finite", "the limit must be a finite number", "limit")
    return Money(amount=amount, currency=currency)


@router.put("/customers/{customer_id}/credit-limits/{currency}",
            summary="Set the customer's credit limit in a currency (who and why are kept)",
            response_model=CreditLimitOut, dependencies=FINANCE)
async def set_credit_limit(service: Service, body: LimitBody, request: Request, now: Now,
                           latest: Latest, customer_id: str = CustomerId,
                           currency: str = Path(), key: OptionalIdempotencyKey = None) -> Any:
    limit = _money(body.limit, _currency(currency))
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await account_handlers.set_credit_limit(
        service.store, SetCreditLimit(customer_id, limit, body.set_by, body.reason),
        origin_of(request, key, body, at))


@router.post("/credit-checks", summary="May this order go on credit? approve / refer / reject",
             response_model=CreditCheckOut, dependencies=SALES_SYSTEM)
async def check_credit(service: Service, body: CreditCheckBody, request: Request, now: Now,
                       latest: Latest, key: IdempotencyKey) -> Any:
    """Decided as of the end of the order's business date (default today), never after now."""
    not_in_the_future("as_of", body.as_of, latest)
    at = now if body.as_of is None else min(now, end_of(body.as_of))
    return await credit_check.check_credit(
        service.store, service.settings.read_schema,
        CheckCredit(body.customer_id, body.order_ref, body.amount),
        service.settings.credit_policy(), origin_of(request, key, body, at))


@router.post("/customers/{customer_id}/holds", status_code=201,
             summary="Place a manual credit hold", response_model=HoldPlacedOut,
             dependencies=FINANCE)
async def place_hold(service: Service, body: HoldBody, request: Request, now: Now,
                     latest: Latest, key: IdempotencyKey,
                     customer_id: str = CustomerId) -> Any:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await account_handlers.place_manual_hold(
        service.store, PlaceManualHold(customer_id, body.detail, body.placed_by),
        origin_of(request, key, body, at))


@router.post("/customers/{customer_id}/holds/{hold_id}/release",
             summary="Release a hold", response_model=HoldReleasedOut, dependencies=FINANCE)
async def release_hold(service: Service, body: ReleaseBody, request: Request, now: Now,
                       latest: Latest, key: IdempotencyKey, hold_id: str,
                       customer_id: str = CustomerId) -> Any:
    at = business_instant("occurred_at", body.occurred_at, None, now, latest)
    return await account_handlers.release_hold(
        service.store, ReleaseHold(customer_id, hold_id, body.released_by, body.reason),
        origin_of(request, key, body, at))
