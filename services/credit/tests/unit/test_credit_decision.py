"""Given the customer's standing, when a sales system asks about an order, then this answer
with these reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerline_credit.domain.decision import (
    CreditCheck,
    CreditPolicy,
    decide_credit,
    record_decision,
)
from ledgerline_events.contract.credit import CreditDecision, HoldReason

from .credit_scenarios import eur

APPROVE, REFER, REJECT = CreditDecision.APPROVE, CreditDecision.REFER, CreditDecision.REJECT
POLICY = CreditPolicy()


def check(order: str = "1000", limit: str | None = "10000", exposure: str = "0",
          **standing: object) -> CreditCheck:
    return CreditCheck(order_amount=eur(order), limit=eur(limit) if limit else None,
                       exposure=Decimal(exposure), **standing)  # type: ignore[arg-type]


CASES = [
    ("within limit", check(), APPROVE, ["within limit: 9,000.00 EUR available after this order"]),
    ("exactly at the limit", check(order="4000", exposure="6000"), APPROVE,
     ["within limit: 0.00 EUR available after this order"]),
    ("on hold", check(active_holds=[HoldReason.OVERDUE]), REJECT, ["on credit hold: overdue"]),
    ("no limit set", check(limit=None), REFER, ["no credit limit set in EUR"]),
    ("over limit beyond tolerance", check(order="2250", exposure="9000"), REJECT,
     ["over limit by 1,250.00 EUR"]),
    ("over limit within tolerance", check(order="1500", exposure="9000"), REFER,
     ["over limit by 500.00 EUR (within 10% tolerance)"]),
    ("zero limit tolerates nothing", check(order="1", limit="0"), REJECT,
     ["over limit by 1.00 EUR"]),
    ("overdue beyond threshold", check(oldest_overdue_days=45), REFER,
     ["invoice overdue 45 days (threshold 30)"]),
    ("overdue at threshold", check(oldest_overdue_days=30), APPROVE, None),
    ("disputed amount", check(disputed_amount=Decimal(300)), REFER,
     ["disputed amount 300.00 EUR"]),
    ("high risk", check(risk_score=72), REFER, ["risk score 72 above 60"]),
    ("risk at threshold", check(risk_score=60), APPROVE, None),
    ("every reason is given, the worst decides",
     check(order="2250", exposure="9000", active_holds=[HoldReason.MANUAL],
           oldest_overdue_days=45, risk_score=72),
     REJECT, ["on credit hold: manual", "over limit by 1,250.00 EUR",
              "invoice overdue 45 days (threshold 30)", "risk score 72 above 60"]),
]


@pytest.mark.parametrize(("question", "decision", "reasons"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_credit_decision_rule_table(question, decision, reasons) -> None:
    verdict = decide_credit(question, POLICY)
    assert verdict.decision is decision
    if reasons is not None:
        assert list(verdict.reasons) == reasons


def test_thresholds_come_from_the_policy() -> None:
    strict = CreditPolicy(over_limit_tolerance_percent=Decimal(0), overdue_refer_days=10,
                          risk_refer_above=20, refer_when_disputed=False)
    verdict = decide_credit(check(order="1001", exposure="9000", oldest_overdue_days=11,
                                  risk_score=21, disputed_amount=Decimal(5)), strict)
    assert verdict.decision is REJECT
    assert len(verdict.reasons) == 3


def test_the_decision_is_recorded_with_its_inputs() -> None:
    question = check(exposure="2000", risk_score=12)
    event = record_decision("chk-1", "SO-1", question, decide_credit(question, POLICY))
    assert (event.decision, event.exposure, event.limit, event.risk_score) == (
        APPROVE, eur("2000"), eur("10000"), 12)
