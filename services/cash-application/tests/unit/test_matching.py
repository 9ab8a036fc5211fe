"""The matching engine: given a payment and the payer's open invoices, which allocations it
proposes and why. One table per rule, with its tie-breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from ledgerline_cash.domain.matching import (
    MatchingSettings,
    OpenInvoice,
    Outcome,
    PaymentToMatch,
    match_payment,
)
from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import MatchReason as R

PAID_ON = date(2026, 3, 10)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def inv(number: str, open_amount: str, due: str = "2026-03-31", *, discount: str | None = None,
        discount_until: str | None = None, currency: str = "EUR") -> OpenInvoice:
    return OpenInvoice(
        invoice_id=f"id-{number}", number=number, due_date=date.fromisoformat(due),
        open_amount=Money.of(open_amount, currency),
        discount=Money.of(discount, currency) if discount else None,
        discount_until=date.fromisoformat(discount_until) if discount_until else None,
    )


@dataclass
class Case:
    name: str
    amount: str
    invoices: list[OpenInvoice]
    outcome: Outcome
    expected: list[tuple[str, str, R]]  # (invoice number, amount, reason)
    remittance: str = ""
    rules: tuple[R, ...] = MatchingSettings().rules
    customer: str | None = "C-1"
    discounts: dict[str, str] | None = None


def run(case: Case) -> None:
    result = match_payment(
        PaymentToMatch(eur(case.amount), PAID_ON, case.customer, case.remittance),
        case.invoices, MatchingSettings(rules=case.rules),
    )
    got = [(a.invoice_id.removeprefix("id-"), str(a.amount.amount), a.reason)
           for a in result.allocations]
    assert (result.outcome, got) == (case.outcome, case.expected), result.explanation
    for a in result.allocations:
        assert a.explanation, "every allocation says why"
    allocated = sum((a.amount.amount for a in result.allocations), Decimal(0))
    assert allocated <= Decimal(case.amount)
    left = result.unapplied.amount if result.unapplied else Decimal(0)
    assert allocated + left == Decimal(case.amount)
    if case.discounts is not None:
        assert {a.invoice_id.removeprefix("id-"): str(a.discount.amount)
                for a in result.allocations if a.discount} == case.discounts


A = inv("INV-1", "100.00", "2026-01-31")
B = inv("INV-2", "250.00", "2026-02-28")
C = inv("INV-3", "400.00", "2026-03-31")

REMITTANCE = [
    Case("named invoice settled", "250.00", [A, B, C], Outcome.FULLY_APPLIED,
         [("INV-2", "250.00", R.REMITTANCE_REFERENCE)], remittance="payment INV-2 thanks"),
    Case("separators dropped and case changed", "250.00", [A, B, C], Outcome.FULLY_APPLIED,
         [("INV-2", "250.00", R.REMITTANCE_REFERENCE)], remittance="inv 2"),
    Case("longer number is not a match", "250.00", [A, B], Outcome.FULLY_APPLIED,
         [("INV-2", "250.00", R.EXACT_AMOUNT)], remittance="INV-21"),
    Case("two named, oldest first, overpayment left on account", "400.00", [A, B, C],
         Outcome.CREDIT_ON_ACCOUNT,
         [("INV-1", "100.00", R.REMITTANCE_REFERENCE), ("INV-2", "250.00", R.REMITTANCE_REFERENCE)],
         remittance="INV-2 INV-1"),
    Case("named invoice part paid", "60.00", [A, B], Outcome.FULLY_APPLIED,
         [("INV-1", "60.00", R.REMITTANCE_REFERENCE)], remittance="INV-1"),
    Case("named and discounted within window", "98.00",
         [inv("INV-9", "100.00", discount="2.00", discount_until="2026-03-15")],
         Outcome.FULLY_APPLIED, [("INV-9", "98.00", R.REMITTANCE_REFERENCE)],
         remittance="INV-9", discounts={"INV-9": "2.00"}),
]

EXACT = [
    Case("one invoice of that amount", "250.00", [A, B, C], Outcome.FULLY_APPLIED,
         [("INV-2", "250.00", R.EXACT_AMOUNT)]),
    Case("two invoices of that amount: ambiguous, left for a person", "100.00",
         [A, inv("INV-4", "100.00", "2026-02-01")], Outcome.AMBIGUOUS, []),
    Case("other currency never matches", "100.00",
         [inv("INV-5", "100.00", currency="USD")], Outcome.CREDIT_ON_ACCOUNT, []),
]

COMBINATION = [
    Case("two invoices add up", "350.00", [A, B, C], Outcome.FULLY_APPLIED,
         [("INV-1", "100.00", R.COMBINATION), ("INV-2", "250.00", R.COMBINATION)]),
    Case("fewest invoices preferred", "500.00",
         [A, inv("INV-6", "150.00", "2026-02-01"), inv("INV-7", "250.00", "2026-02-02"),
          inv("INV-8", "250.00", "2026-03-05")], Outcome.FULLY_APPLIED,
         [("INV-7", "250.00", R.COMBINATION), ("INV-8", "250.00", R.COMBINATION)]),
    Case("oldest preferred among same size", "300.00",
         [inv("INV-10", "100.00", "2026-01-01"), inv("INV-11", "200.00", "2026-01-02"),
          inv("INV-12", "200.00", "2026-02-02")], Outcome.FULLY_APPLIED,
         [("INV-10", "100.00", R.COMBINATION), ("INV-11", "200.00", R.COMBINATION)]),
    Case("same due dates: ambiguous", "300.00",
         [inv("INV-10", "100.00", "2026-01-01"), inv("INV-11", "200.00", "2026-01-02"),
          inv("INV-12", "200.00", "2026-01-02")], Outcome.AMBIGUOUS, [],
         rules=(R.COMBINATION,)),
    Case("five invoices at most", "15.00",
         [inv(f"S-{k}", "2.50", f"2026-01-0{k}") for k in range(1, 7)], Outcome.NO_MATCH, [],
         rules=(R.COMBINATION,)),
    Case("five invoices fit", "12.50",
         [inv(f"S-{k}", "2.50", f"2026-01-0{k}") for k in range(1, 6)], Outcome.FULLY_APPLIED,
         [(f"S-{k}", "2.50", R.COMBINATION) for k in range(1, 6)], rules=(R.COMBINATION,)),
]

DISCOUNT = [
    Case("paid within the window at the discounted amount", "392.00",
         [A, inv("INV-20", "400.00", discount="8.00", discount_until="2026-03-12")],
         Outcome.FULLY_APPLIED, [("INV-20", "392.00", R.EARLY_PAYMENT_DISCOUNT)],
         rules=(R.EARLY_PAYMENT_DISCOUNT,), discounts={"INV-20": "8.00"}),
    Case("paid after the window: no discount", "392.00",
         [inv("INV-20", "400.00", discount="8.00", discount_until="2026-03-09")],
         Outcome.NO_MATCH, [], rules=(R.EXACT_AMOUNT, R.EARLY_PAYMENT_DISCOUNT)),
    Case("last day of the window counts", "392.00",
         [inv("INV-20", "400.00", discount="8.00", discount_until="2026-03-10")],
         Outcome.FULLY_APPLIED, [("INV-20", "392.00", R.EARLY_PAYMENT_DISCOUNT)]),
    # 2 % of a 500.00 invoice, then a 100.00 credit note: the discount stays what the invoice
    # granted (10.00), not 2 % of what is open (8.00).
    Case("a credit note leaves the granted discount as invoiced", "390.00",
         [inv("INV-22", "400.00", discount="10.00", discount_until="2026-03-12")],
         Outcome.FULLY_APPLIED, [("INV-22", "390.00", R.EARLY_PAYMENT_DISCOUNT)],
         rules=(R.EARLY_PAYMENT_DISCOUNT,), discounts={"INV-22": "10.00"}),
    Case("two invoices at the same discounted amount: ambiguous", "392.00",
         [inv("INV-20", "400.00", discount="8.00", discount_until="2026-03-12"),
          inv("INV-21", "400.00", discount="8.00", discount_until="2026-03-12")],
         Outcome.AMBIGUOUS, [], rules=(R.EARLY_PAYMENT_DISCOUNT,)),
]

OLDEST_FIRST = [
    Case("part payment to the oldest", "300.00", [C, B, A], Outcome.FULLY_APPLIED,
         [("INV-1", "100.00", R.OLDEST_FIRST), ("INV-2", "200.00", R.OLDEST_FIRST)],
         rules=(R.OLDEST_FIRST,)),
    Case("overpayment settles all and leaves credit", "800.00", [A, B, C],
         Outcome.CREDIT_ON_ACCOUNT,
         [("INV-1", "100.00", R.OLDEST_FIRST), ("INV-2", "250.00", R.OLDEST_FIRST),
          ("INV-3", "400.00", R.OLDEST_FIRST)], rules=(R.OLDEST_FIRST,)),
    Case("same due date: lower invoice number first", "50.00",
         [inv("INV-31", "100.00", "2026-01-01"), inv("INV-30", "100.00", "2026-01-01")],
         Outcome.FULLY_APPLIED, [("INV-30", "50.00", R.OLDEST_FIRST)], rules=(R.OLDEST_FIRST,)),
]

PAYER_AND_ORDER = [
    Case("unidentified payer stays unapplied", "250.00", [A, B], Outcome.UNIDENTIFIED_PAYER,
         [], customer=None),
    Case("no open invoices: credit on account", "250.00", [], Outcome.CREDIT_ON_ACCOUNT, []),
    Case("nothing matches and no oldest-first rule", "999.00", [A, B], Outcome.NO_MATCH, [],
         rules=(R.EXACT_AMOUNT, R.COMBINATION)),
    Case("configured order: oldest first before exact amount", "250.00", [A, B],
         Outcome.FULLY_APPLIED,
         [("INV-1", "100.00", R.OLDEST_FIRST), ("INV-2", "150.00", R.OLDEST_FIRST)],
         rules=(R.OLDEST_FIRST, R.EXACT_AMOUNT)),
    Case("remittance wins over exact amount", "100.00", [A, inv("INV-40", "100.00")],
         Outcome.FULLY_APPLIED, [("INV-40", "100.00", R.REMITTANCE_REFERENCE)],
         remittance="INV-40"),
    Case("ambiguity stops the chain before oldest first", "100.00",
         [A, inv("INV-4", "100.00", "2026-02-01")], Outcome.AMBIGUOUS, []),
]


def _ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


@pytest.mark.parametrize("case", REMITTANCE, ids=_ids(REMITTANCE))
def test_remittance_reference(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", EXACT, ids=_ids(EXACT))
def test_exact_amount(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", COMBINATION, ids=_ids(COMBINATION))
def test_combination(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", DISCOUNT, ids=_ids(DISCOUNT))
def test_early_payment_discount(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", OLDEST_FIRST, ids=_ids(OLDEST_FIRST))
def test_oldest_first(case: Case) -> None:
    run(case)


@pytest.mark.parametrize("case", PAYER_AND_ORDER, ids=_ids(PAYER_AND_ORDER))
def test_payer_and_rule_order(case: Case) -> None:
    run(case)


def test_settings_refuse_unknown_or_repeated_rules() -> None:
    with pytest.raises(ValueError):
        MatchingSettings(rules=(R.MANUAL,))
    with pytest.raises(ValueError):
        MatchingSettings(rules=(R.EXACT_AMOUNT, R.EXACT_AMOUNT))
