"""The credit decision: may this order go on credit? Every rule that fires adds a reason; the
decision is the most severe outcome among them (reject > refer > approve).

| rule                   | fires when                                           | outcome |
|------------------------|------------------------------------------------------|---------|
| on_credit_hold         | any active hold (one reason per hold)                | reject  |
| no_limit               | no credit limit in the order's currency              | refer   |
| over_limit             | exposure + order > limit by more than tolerance %    | reject  |
| over_limit_tolerated   | exposure + order > limit, within the tolerance       | refer   |
| overdue                | oldest open invoice overdue beyond the threshold     | refer   |
| disputed               | an amount is under open dispute in this currency     | refer   |
| high_risk              | risk score above the threshold                       | refer   |
| (none)                 | nothing fired                                        | approve |

The tolerance is a percentage of the limit (10 % by default); with a zero limit nothing is
tolerated. Thresholds live in `CreditPolicy`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledgerline_events.contract import Money
from ledgerline_events.contract.credit import CreditCheckDecided, CreditDecision, HoldReason
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.refusals import InvalidRequest

from .amounts import spoken

SEVERITY = {CreditDecision.APPROVE: 0, CreditDecision.REFER: 1, CreditDecision.REJECT: 2}


@dataclass(frozen=True)
class CreditPolicy:
    over_limit_tolerance_percent: Decimal = Decimal(10)
    overdue_refer_days: int = 30
    risk_refer_above: int = 60
    refer_when_disputed: bool = True


@dataclass(frozen=True)
class CreditCheck:
    """What the decision is made on: the order and the customer's standing in its currency.
    `exposure` is open AR plus open orders, without the order being checked."""

    order_amount: Money
    limit: Money | None
    exposure: Decimal
    active_holds: Sequence[HoldReason] = ()
    oldest_overdue_days: int = 0
    disputed_amount: Decimal = Decimal(0)
    risk_score: int = 0

    @property
    def currency(self) -> str:
        return self.order_amount.currency

    @property
    def available(self) -> Decimal | None:
        """Credit still free before this order (never below zero)."""
        return available_credit(self.limit.amount if self.limit else None, self.exposure)


def available_credit(limit: Decimal | None, exposure: Decimal) -> Decimal | None:
    """Credit still free under the limit, never below zero; None without a limit."""
    if limit is None:
        return None
    return max(limit - exposure, Decimal(0))


@dataclass(frozen=True)
class Verdict:
    decision: CreditDecision
    reasons: tuple[str, ...]


Finding = tuple[CreditDecision, str]


def decide_credit(check: CreditCheck, policy: CreditPolicy) -> Verdict:
    """Apply the rule table above."""
    findings: list[Finding] = [
        *on_credit_hold(check),
        *limit_findings(check, policy),
        *overdue(check, policy),
        *disputed(check, policy),
        *high_risk(check, policy),
    ]
    if not findings:
        return Verdict(CreditDecision.APPROVE, (within_limit(check),))
    decision = max((outcome for outcome, _ in findings), key=SEVERITY.__getitem__)
    ordered = sorted(findings, key=lambda f: -SEVERITY[f[0]])
    return Verdict(decision, tuple(reason for _, reason in ordered))


def on_credit_hold(check: CreditCheck) -> list[Finding]:
    return [(CreditDecision.REJECT, f"on credit hold: {reason.value}")
            for reason in check.active_holds]


def limit_findings(check: CreditCheck, policy: CreditPolicy) -> list[Finding]:
    if check.limit is None:
        return [(CreditDecision.REFER, f"no credit limit set in {check.currency}")]
    over = check.exposure + check.order_amount.amount - check.limit.amount
    if over <= 0:
        return []
    tolerance = check.limit.amount * policy.over_limit_tolerance_percent / 100
    reason = f"over limit by {spoken(over, check.currency)}"
    if over > tolerance:
        return [(CreditDecision.REJECT, reason)]
    tolerated = f"{reason} (within {policy.over_limit_tolerance_percent}% tolerance)"
    return [(CreditDecision.REFER, tolerated)]


def overdue(check: CreditCheck, policy: CreditPolicy) -> list[Finding]:
    if check.oldest_overdue_days <= policy.overdue_refer_days:
        return []
    return [(CreditDecision.REFER, f"invoice overdue {check.oldest_overdue_days} days "
                                   f"(threshold {policy.overdue_refer_days})")]


def disputed(check: CreditCheck, policy: CreditPolicy) -> list[Finding]:
    if not policy.refer_when_disputed or check.disputed_amount <= 0:
        return []
    return [(CreditDecision.REFER,
             f"disputed amount {spoken(check.disputed_amount, check.currency)}")]


def high_risk(check: CreditCheck, policy: CreditPolicy) -> list[Finding]:
    if check.risk_score <= policy.risk_refer_above:
        return []
    return [(CreditDecision.REFER,
             f"risk score {check.risk_score} above {policy.risk_refer_above}")]


def within_limit(check: CreditCheck) -> str:
    assert check.available is not None  # approve implies a limit
    left = check.available - check.order_amount.amount
    return f"within limit: {spoken(left, check.currency)} available after this order"


def record_decision(check_id: str, order_ref: str, check: CreditCheck,
                    verdict: Verdict) -> CreditCheckDecided:
    """The fact that a sales system asked and got this answer."""
    return CreditCheckDecided(
        check_id=check_id, order_ref=order_ref, order_amount=check.order_amount,
        decision=verdict.decision, reasons=list(verdict.reasons),
        exposure=Money(amount=quantize(check.exposure, check.currency), currency=check.currency),
        limit=check.limit, risk_score=check.risk_score,
    )


def check_order_amount(amount: Money) -> None:
    """An order to check is a positive amount in its currency's minor unit."""
    if amount.amount <= 0:
        raise InvalidRequest("positive", "the order amount must be positive", "amount.amount")
    if quantize(amount.amount, amount.currency) != amount.amount:
        raise InvalidRequest("minor_unit",
                             f"{amount.currency} amounts have at most its minor unit of decimals",
                             "amount.amount")
