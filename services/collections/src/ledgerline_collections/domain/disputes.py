"""Disputes: a customer contests (part of) an invoice; dunning pauses on it until resolved.

Resolution outcomes: a credit note (issued by invoicing), customer liable (dunning resumes),
or written off (the write-off follows as its own event).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.collections import (
    DisputeOpened,
    DisputeOutcome,
    DisputeReason,
    DisputeResolved,
)
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class DisputeState:
    dispute_id: str
    invoice_id: str
    customer_id: str
    amount: Money
    reason: DisputeReason
    status: DisputeStatus = DisputeStatus.OPEN
    outcome: DisputeOutcome | None = None


@dataclass(frozen=True)
class OpenDispute:
    """Command: the customer contests `amount` of an invoice for `reason`."""

    dispute_id: str
    invoice_id: str
    amount: Money
    reason: DisputeReason
    description: str = ""


@dataclass(frozen=True)
class ResolveDispute:
    """Command: close a dispute with an outcome."""

    dispute_id: str
    outcome: DisputeOutcome
    note: str = ""


def decide_open_dispute(
    existing: DisputeState | None, cmd: OpenDispute, open_amount: Money, today: date
) -> list[Event]:
    """A dispute covers a positive part of what is still open on the invoice, in its currency."""
    if existing is not None:
        raise StateConflict("dispute_already_opened", "dispute already exists", "dispute_id")
    if cmd.amount.currency != open_amount.currency:
        raise InvalidRequest("invoice_currency", "use the invoice currency", "amount.currency")
    if cmd.amount.amount <= 0:
        raise InvalidRequest("must_be_positive", "a dispute is for a positive amount", "amount")
    if cmd.amount.amount > open_amount.amount:
        raise StateConflict("not_above_open_amount", f"the invoice has only {open_amount} open", "amount")
    return [
        DisputeOpened(
            dispute_id=cmd.dispute_id,
            invoice_id=cmd.invoice_id,
            amount=cmd.amount,
            reason=cmd.reason,
            description=cmd.description,
            opened_on=today,
        )
    ]


def decide_resolve_dispute(
    state: DisputeState | None, cmd: ResolveDispute, today: date
) -> list[Event]:
    """Only an open dispute can be resolved, once."""
    if state is None:
        raise NotFound("dispute_exists", f"no dispute {cmd.dispute_id}", "dispute_id")
    if state.status is DisputeStatus.RESOLVED:
        raise StateConflict("dispute_open", "the dispute is already resolved", "dispute_id")
    return [
        DisputeResolved(
            dispute_id=state.dispute_id,
            invoice_id=state.invoice_id,
            outcome=cmd.outcome,
            note=cmd.note,
            resolved_on=today,
        )
    ]


def replay_dispute(history: Sequence[Envelope]) -> DisputeState | None:
    """The dispute's state from its own events."""
    state: DisputeState | None = None
    for envelope in history:
        event = envelope.payload
        if isinstance(event, DisputeOpened):
            state = DisputeState(
                dispute_id=event.dispute_id,
                invoice_id=event.invoice_id,
                customer_id=envelope.customer_id or "",
                amount=event.amount,
                reason=event.reason,
            )
        elif state is not None and isinstance(event, DisputeResolved):
            state = replace(state, status=DisputeStatus.RESOLVED, outcome=event.outcome)
    return state
