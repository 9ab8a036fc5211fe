"""The customer's credit account (aggregate "credit-account:<customer_id>"): limits per
currency with their history, and holds. Commands return events; `evolve` applies them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.credit import (
    CreditHoldPlaced,
    CreditHoldReleased,
    CreditLimitSet,
    HoldReason,
)
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict


def account_id(customer_id: str) -> str:
    """The event-store stream of a customer's credit account."""
    return f"credit-account:{customer_id}"


def customer_of_account(stream_id: str) -> str:
    """The customer whose credit account a stream is (inverse of `account_id`)."""
    return stream_id.removeprefix("credit-account:")


@dataclass(frozen=True)
class LimitChange:
    """One entry of the limit history: the new limit, who set it, why and when."""

    limit: Money
    set_by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Hold:
    """A block on new credit sales, active until released."""

    hold_id: str
    reason: HoldReason
    detail: str
    placed_by: str
    released: bool = False


@dataclass(frozen=True)
class CreditAccount:
    customer_id: str
    version: int = 0
    limits: Mapping[str, Money] = field(default_factory=lambda: MappingProxyType({}))
    limit_history: tuple[LimitChange, ...] = ()
    holds: Mapping[str, Hold] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def active_holds(self) -> list[Hold]:
        return [h for h in self.holds.values() if not h.released]

    def active_hold(self, reason: HoldReason) -> Hold | None:
        return next((h for h in self.active_holds if h.reason is reason), None)

    def limit_in(self, currency: str) -> Money | None:
        return self.limits.get(currency)

    def next_hold_id(self, reason: HoldReason, already_decided: int = 0) -> str:
        """Hold ids follow the stream version, so the same decision always names the same hold
        (`already_decided`: events decided before this one in the same command)."""
        return f"{reason.value}-{self.version + already_decided + 1}"


def replay(customer_id: str, history: Sequence[Envelope]) -> CreditAccount:
    account = CreditAccount(customer_id)
    for envelope in history:
        account = evolve(account, envelope.payload, envelope.occurred_at)
    return account


def evolve(account: CreditAccount, event: Event, at: datetime) -> CreditAccount:
    """Apply one of the account's own events."""
    account = replace(account, version=account.version + 1)
    match event:
        case CreditLimitSet():
            change = LimitChange(event.limit, event.set_by, event.reason, at)
            limits = MappingProxyType({**account.limits, event.limit.currency: event.limit})
            return replace(account, limits=limits,
                           limit_history=(*account.limit_history, change))
        case CreditHoldPlaced():
            hold = Hold(event.hold_id, event.reason, event.detail, event.placed_by)
            return replace(account, holds=MappingProxyType({**account.holds, hold.hold_id: hold}))
        case CreditHoldReleased():
            released = replace(account.holds[event.hold_id], released=True)
            holds = MappingProxyType({**account.holds, event.hold_id: released})
            return replace(account, holds=holds)
    return account


def set_credit_limit(account: CreditAccount, limit: Money, set_by: str,
                     reason: str) -> list[Event]:
    """Set the most credit the customer may use in the limit's currency. Zero is a valid
    limit (cash only); setting the same limit again records nothing."""
    if limit.amount < 0:
        raise InvalidRequest("non_negative", "a credit limit cannot be negative", "limit.amount")
    if quantize(limit.amount, limit.currency) != limit.amount:
        raise InvalidRequest("minor_unit",
                             f"{limit.currency} amounts have at most its minor unit of decimals",
                             "limit.amount")
    _require_text("set_by", set_by)
    _require_text("reason", reason)
    current = account.limit_in(limit.currency)
    if current is not None and current.amount == limit.amount:
        return []
    return [CreditLimitSet(limit=limit, set_by=set_by, reason=reason)]


def place_manual_hold(account: CreditAccount, detail: str, placed_by: str) -> list[Event]:
    """A person blocks the customer for new credit sales (who may: the API's access control)."""
    _require_text("placed_by", placed_by)
    hold_id = account.next_hold_id(HoldReason.MANUAL)
    return [CreditHoldPlaced(hold_id=hold_id, reason=HoldReason.MANUAL, detail=detail,
                             placed_by=placed_by)]


def release_hold(account: CreditAccount, hold_id: str, released_by: str, reason: str
                 ) -> list[Event]:
    """A person lifts a hold. Automatic holds may be lifted too, but come back at the next
    evaluation while their cause persists (raise the limit to lift an over-limit hold)."""
    _require_text("released_by", released_by)
    _require_text("reason", reason)
    hold = account.holds.get(hold_id)
    if hold is None:
        raise NotFound("unknown_hold", f"no hold {hold_id!r} on customer {account.customer_id}", "hold_id",
                       where="path")
    if hold.released:
        raise StateConflict("state_conflict", f"hold {hold_id} is already released")
    return [CreditHoldReleased(hold_id=hold_id, reason=reason, released_by=released_by)]


def _require_text(name: str, value: str) -> None:
    if not value.strip():
        raise InvalidRequest("required", f"{name} must not be blank", name)
