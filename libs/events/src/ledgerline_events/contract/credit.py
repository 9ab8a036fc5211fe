"""Events published by the credit service (aggregate: the customer's credit account)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import Event
from .money import Money


class CreditLimitSet(Event):
    """The most credit the customer may use in this currency, who set it and why."""

    event_type = "credit.CreditLimitSet"
    limit: Money
    set_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class CreditDecision(StrEnum):
    APPROVE = "approve"
    REFER = "refer"
    REJECT = "reject"


class CreditCheckDecided(Event):
    """A sales system asked whether an order may go on credit, and got this answer."""

    event_type = "credit.CreditCheckDecided"
    check_id: str = Field(min_length=1, max_length=64)
    order_ref: str = Field(min_length=1, max_length=64)
    order_amount: Money
    decision: CreditDecision
    reasons: list[str]
    exposure: Money
    limit: Money | None = None
    risk_score: int | None = Field(default=None, ge=0, le=100)


class HoldReason(StrEnum):
    OVER_LIMIT = "over_limit"
    OVERDUE = "overdue"
    WRITTEN_OFF = "written_off"
    MANUAL = "manual"


class CreditHoldPlaced(Event):
    """The customer is blocked for new credit sales."""

    event_type = "credit.CreditHoldPlaced"
    hold_id: str = Field(min_length=1, max_length=64)
    reason: HoldReason
    detail: str = Field(default="", max_length=500)
    placed_by: str = Field(min_length=1, max_length=100)


class CreditHoldReleased(Event):
    """A hold lifted, because its cause cleared or a person with the right role released it."""

    event_type = "credit.CreditHoldReleased"
    hold_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    released_by: str = Field(min_length=1, max_length=100)


CREDIT_EVENTS: tuple[type[Event], ...] = (
    CreditLimitSet, CreditCheckDecided, CreditHoldPlaced, CreditHoldReleased,
)
