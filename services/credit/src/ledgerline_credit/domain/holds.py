"""Automatic holds: the rules that block a customer for new credit sales, and lift the block
when its cause clears. Manual holds are never lifted by these rules.

| cause            | place when                                         | release when          |
|------------------|----------------------------------------------------|-----------------------|
| over_limit       | exposure > limit in any currency with a limit       | within every limit    |
| overdue          | an open invoice is more than N days past due (60)   | none is               |
| written_off      | debt written off and not recovered                  | all of it recovered   |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

from ledgerline_events.contract import Event
from ledgerline_events.contract.credit import CreditHoldPlaced, CreditHoldReleased, HoldReason

from .account import CreditAccount
from .amounts import spoken

RULES_ACTOR = "credit-rules"
AUTOMATIC_REASONS = (HoldReason.OVER_LIMIT, HoldReason.OVERDUE, HoldReason.WRITTEN_OFF)


@dataclass(frozen=True)
class HoldPolicy:
    overdue_hold_days: int = 60


@dataclass(frozen=True)
class CreditSituation:
    """What the receivables say about a customer at one moment."""

    exposures: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    """currency -> exposure (open AR + open orders)"""
    oldest_overdue_days: int = 0
    net_written_off: Decimal = Decimal(0)
    oldest_due_date: date | None = None  # of the oldest open invoice
    latest_fact_on: date | None = None  # business date of the latest fact about the customer


def hold_causes(account: CreditAccount, situation: CreditSituation,
                policy: HoldPolicy) -> dict[HoldReason, str]:
    """Each automatic hold reason whose cause is present now, with a detail for people."""
    causes: dict[HoldReason, str] = {}
    over = [
        f"exposure {spoken(situation.exposures[c], c)} over limit {spoken(limit.amount, c)}"
        for c, limit in sorted(account.limits.items())
        if situation.exposures.get(c, Decimal(0)) > limit.amount
    ]
    if over:
        causes[HoldReason.OVER_LIMIT] = "; ".join(over)
    if situation.oldest_overdue_days > policy.overdue_hold_days:
        causes[HoldReason.OVERDUE] = (f"invoice overdue {situation.oldest_overdue_days} days "
                                      f"(threshold {policy.overdue_hold_days})")
    if situation.net_written_off > 0:
        causes[HoldReason.WRITTEN_OFF] = "debt written off and not recovered"
    return causes


def automatic_hold_changes(account: CreditAccount, situation: CreditSituation,
                           policy: HoldPolicy) -> list[Event]:
    """Holds to place for causes without an active hold, and automatic holds to release
    whose cause has cleared. Nothing when the account already matches the situation."""
    causes = hold_causes(account, situation, policy)
    events: list[Event] = []
    for reason in AUTOMATIC_REASONS:
        active = account.active_hold(reason)
        if reason in causes and active is None:
            events.append(CreditHoldPlaced(
                hold_id=account.next_hold_id(reason, len(events)), reason=reason,
                detail=causes[reason], placed_by=RULES_ACTOR,
            ))
        elif reason not in causes and active is not None:
            events.append(CreditHoldReleased(
                hold_id=active.hold_id, reason=f"cause cleared: {reason.value}",
                released_by=RULES_ACTOR,
            ))
    return events


def effective_on(event: Event, situation: CreditSituation, policy: HoldPolicy,
                 today: date) -> date:
    """The business date a hold change takes effect, never after today: an overdue hold the
    day the oldest open invoice went past the threshold, anything else the day of the latest
    fact about the customer (the invoice, payment or write-off that changed the picture). So
    a history loaded after the fact holds the customer from when it should have, and a
    credit check for an earlier date does not see it."""
    on = situation.latest_fact_on or today
    overdue = isinstance(event, CreditHoldPlaced) and event.reason is HoldReason.OVERDUE
    if overdue and situation.oldest_due_date is not None:
        on = situation.oldest_due_date + timedelta(days=policy.overdue_hold_days + 1)
    return min(on, today)
