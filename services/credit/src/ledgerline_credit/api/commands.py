"""Write endpoints: credit limits, credit checks, manual holds and their release.

Who may call them (the host adds authentication; admin may do everything):
sales systems ask for credit checks; finance sets limits and places and releases holds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from ledgerline_credit.application import account_handlers, credit_check
from ledgerline_credit.application.commands import (
    CheckCredit,
    PlaceManualHold,
    ReleaseHold,
    SetCreditLimit,
)
from ledgerline_events.contract import Money
from ledgerline_events.contract.base import UtcDateTime
from ledgerline_events.contract.money import DecimalAmount, check_currency
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_events.runtime import requires

from .deps import IdempotencyKey, OptionalIdempotencyKey, Service
from .schemas import CreditCheckOut, CreditLimitOut, HoldPlacedOut, HoldReleasedOut

router = APIRouter(tags=["credit"])
SALES_SYSTEM, FINANCE = [requires("sales-system")], [requires("finance")]
CustomerId = Path(min_length=1, max_length=64)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LimitBody(_Body):
    limit: DecimalAmount = Field(description="decimal string, e.g. \"10000.00\"")
    set_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = Field(default=None, description="business instant")


class CreditCheckBody(_Body):
    customer_id: str = Field(min_length=1, max_length=64)
    order_ref: str = Field(min_length=1, max_length=64)
    amount: Money
    as_of: date | None = Field(default=None, description="the order's business date (today)")


class HoldBody(_Body):
    placed_by: str = Field(min_length=1, max_length=100)
    detail: str = Field(default="", max_length=500)
    occurred_at: UtcDateTime | None = None


class ReleaseBody(_Body):
    released_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    occurred_at: UtcDateTime | None = None


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
async def set_credit_limit(service: Service, body: LimitBody, customer_id: str = CustomerId,
                           currency: str = Path(), key: OptionalIdempotencyKey = None) -> Any:
    limit = _money(body.limit, _currency(currency))
    cmd = SetCreditLimit(customer_id, limit, body.set_by, body.reason, key, body.occurred_at)
    tolerance = timedelta(seconds=service.settings.business_time_tolerance_seconds)
    return await account_handlers.set_credit_limit(service.store, cmd, service.clock, tolerance)


@router.post("/credit-checks", summary="May this order go on credit? approve / refer / reject",
             response_model=CreditCheckOut, dependencies=SALES_SYSTEM)
async def check_credit(service: Service, body: CreditCheckBody, key: IdempotencyKey) -> Any:
    cmd = CheckCredit(body.customer_id, body.order_ref, body.amount, key, body.as_of)
    return await credit_check.check_credit(
        service.store, service.settings.read_schema, cmd, service.settings.credit_policy(),
        service.clock, timedelta(seconds=service.settings.business_time_tolerance_seconds))


@router.post("/customers/{customer_id}/holds", status_code=201,
             summary="Place a manual credit hold", response_model=HoldPlacedOut,
             dependencies=FINANCE)
async def place_hold(service: Service, body: HoldBody, key: IdempotencyKey,
                     customer_id: str = CustomerId) -> Any:
    cmd = PlaceManualHold(customer_id, body.detail, body.placed_by, key, body.occurred_at)
    tolerance = timedelta(seconds=service.settings.business_time_tolerance_seconds)
    return await account_handlers.place_manual_hold(service.store, cmd, service.clock, tolerance)


@router.post("/customers/{customer_id}/holds/{hold_id}/release",
             summary="Release a hold", response_model=HoldReleasedOut, dependencies=FINANCE)
async def release_hold(service: Service, body: ReleaseBody, key: IdempotencyKey, hold_id: str,
                       customer_id: str = CustomerId) -> Any:
    cmd = ReleaseHold(customer_id, hold_id, body.released_by, body.reason, key,
                      body.occurred_at)
    tolerance = timedelta(seconds=service.settings.business_time_tolerance_seconds)
    return await account_handlers.release_hold(service.store, cmd, service.clock, tolerance)
