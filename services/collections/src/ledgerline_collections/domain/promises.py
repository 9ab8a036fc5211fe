"""Promises to pay: a customer commits to pay an amount by a date; dunning pauses meanwhile.

A promise is kept when allocations to the promised invoices (net of reversals), made on or
after the day the promise was recorded and no later than the promised date, reach the
promised amount (kept on the day they last reached it). It is broken when the promised date
has passed short of it (broken on the day after the promised date, so every evaluation after
that day gives the same event).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.collections import (
    PromiseToPayBroken,
    PromiseToPayKept,
    PromiseToPayRecorded,
)
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(frozen=True)
class PromiseState:
    promise_id: str
    customer_id: str
    invoice_ids: tuple[str, ...]
    amount: Money
    promised_date: date
    recorded_on: date
    status: PromiseStatus = PromiseStatus.OPEN


@dataclass(frozen=True)
class RecordPromise:
    """Command: record the customer's promise to pay `amount` by `promised_date`."""

    promise_id: str
    customer_id: str
    invoice_ids: tuple[str, ...]
    amount: Money
    promised_date: date
    recorded_by: str


def decide_record_promise(
    existing: PromiseState | None, cmd: RecordPromise, today: date
) -> list[Event]:
    """A promise needs a positive amount, at least one invoice and a date not in the past."""
    if existing is not None:
        raise StateConflict("promise_already_recorded", "promise already exists", "promise_id")
    if not cmd.invoice_ids:
        raise InvalidRequest("at_least_one_invoice", "name the invoices promised", "invoice_ids")
    if cmd.amount.amount <= 0:
        raise InvalidRequest("must_be_positive", "a promise is for a positive amount", "amount")
    if cmd.promised_date < today:
        raise InvalidRequest("not_in_the_past", "a promise cannot be dated in the past", "promised_date")
    return [
        PromiseToPayRecorded(
            promise_id=cmd.promise_id,
            invoice_ids=list(cmd.invoice_ids),
            amount=cmd.amount,
            promised_date=cmd.promised_date,
            recorded_by=cmd.recorded_by,
        )
    ]


def replay_promise(history: Sequence[Envelope]) -> PromiseState | None:
    """The promise's state from its own events."""
    state: PromiseState | None = None
    for envelope in history:
        state = evolve_promise(state, envelope)
    return state


def evolve_promise(state: PromiseState | None, envelope: Envelope) -> PromiseState | None:
    event = envelope.payload
    if isinstance(event, PromiseToPayRecorded):
        return PromiseState(
            promise_id=event.promise_id,
            customer_id=envelope.customer_id or "",
            invoice_ids=tuple(event.invoice_ids),
            amount=event.amount,
            promised_date=event.promised_date,
            recorded_on=envelope.occurred_at.date(),
        )
    if state is not None and isinstance(event, PromiseToPayKept):
        return replace(state, status=PromiseStatus.KEPT)
    if state is not None and isinstance(event, PromiseToPayBroken):
        return replace(state, status=PromiseStatus.BROKEN)
    return state


@dataclass(frozen=True)
class PaymentTowardsPromise:
    """An allocation (positive) or its reversal (negative) on a promised invoice."""

    invoice_id: str
    paid_on: date
    amount: Decimal


def evaluate_promise(
    state: PromiseState, payments: Iterable[PaymentTowardsPromise], as_of: date
) -> PromiseToPayKept | PromiseToPayBroken | None:
    """Kept, broken, or still running (None) as of `as_of`; settled promises stay settled."""
    if state.status is not PromiseStatus.OPEN:
        return None
    last_counted = min(state.promised_date, as_of)
    counted = sorted(
        (p for p in payments
         if p.invoice_id in state.invoice_ids and state.recorded_on <= p.paid_on <= last_counted),
        key=lambda p: p.paid_on,
    )
    paid, reached_on = Decimal(0), None
    for payment in counted:
        paid += payment.amount
        if paid < state.amount.amount:
            reached_on = None  # a reversal took it back below the promise
        elif reached_on is None:
            reached_on = payment.paid_on
    if reached_on is not None:
        return PromiseToPayKept(promise_id=state.promise_id, kept_on=reached_on)
    if as_of <= state.promised_date:
        return None
    short = Money.of(state.amount.amount - paid, state.amount.currency)
    return PromiseToPayBroken(
        promise_id=state.promise_id,
        broken_on=state.promised_date + timedelta(days=1),
        amount_short=short,
    )
