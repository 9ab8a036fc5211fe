"""The matching engine: which open invoices a payment settles, and why. Pure and explainable.

Rules run in the company's configured order; the first rule that reaches a decision wins:

- remittance_reference: invoice numbers of the payer found in the remittance text, settled
  oldest due first (an early-payment discount is granted when the rest is exactly the
  discounted amount within the window);
- exact_amount: exactly one open invoice of the payer for exactly the amount;
- combination: the open invoices (at most 5) that add up exactly to the amount; among several,
  fewest invoices, then the oldest; a tie that remains is ambiguous;
- early_payment_discount: exactly one invoice whose open amount less its discount equals the
  amount, paid (value date) within the discount window;
- oldest_first: the amount applied to open invoices by due date, oldest first.

An ambiguous rule (two candidates equally good) stops the chain: a person decides. What is not
allocated stays unapplied: credit on account when the payer is known, suspense when not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import MatchReason

from .clearing import EPOCH
from .combination import exact_combinations
from .remittance import invoice_numbers_in

AUTOMATIC_RULES = (
    MatchReason.REMITTANCE_REFERENCE, MatchReason.EXACT_AMOUNT, MatchReason.COMBINATION,
    MatchReason.EARLY_PAYMENT_DISCOUNT, MatchReason.OLDEST_FIRST,
)


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice of the payer with something still to pay, and the early-payment discount
    its invoice carries (on the gross, as invoicing granted it)."""

    invoice_id: str
    number: str
    due_date: date
    open_amount: Money
    discount: Money | None = None
    discount_until: date | None = None
    issued_at: datetime = EPOCH

    def discount_on(self, value_date: date) -> Money | None:
        """The early-payment discount granted if paid on `value_date`, if any."""
        if self.discount is None or self.discount_until is None:
            return None
        if value_date > self.discount_until or self.discount.amount >= self.open_amount.amount:
            return None
        return self.discount


@dataclass(frozen=True)
class PaymentToMatch:
    amount: Money
    value_date: date
    customer_id: str | None
    remittance: str = ""


@dataclass(frozen=True)
class MatchingSettings:
    """A company's matching policy: which rules, in which order."""

    rules: tuple[MatchReason, ...] = AUTOMATIC_RULES
    max_combination_size: int = 5
    max_combination_candidates: int = 20

    def __post_init__(self) -> None:
        unknown = [r for r in self.rules if r not in AUTOMATIC_RULES]
        if unknown or len(set(self.rules)) != len(self.rules):
            raise ValueError(f"rules must be distinct automatic rules, got {self.rules}")


@dataclass(frozen=True)
class ProposedAllocation:
    invoice_id: str
    amount: Money
    reason: MatchReason
    explanation: str
    discount: Money | None = None


class Outcome(StrEnum):
    FULLY_APPLIED = "fully_applied"
    CREDIT_ON_ACCOUNT = "credit_on_account"  # payer known, something left over
    UNIDENTIFIED_PAYER = "unidentified_payer"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class MatchResult:
    outcome: Outcome
    explanation: str
    allocations: tuple[ProposedAllocation, ...] = field(default=())
    unapplied: Money | None = None


class Ambiguous(Exception):
    """A rule found several equally good answers: not for a machine to choose."""


def match_payment(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> MatchResult:
    """Propose allocations of `payment` to the payer's `invoices`, each with its reason."""
    if payment.customer_id is None:
        return _unapplied(payment, Outcome.UNIDENTIFIED_PAYER, "payer not identified")
    candidates = sorted(
        (i for i in invoices
         if i.open_amount.currency == payment.amount.currency and i.open_amount.amount > 0),
        key=lambda i: (i.due_date, i.number),
    )
    if not candidates:
        return _unapplied(payment, Outcome.CREDIT_ON_ACCOUNT, "no open invoice in this currency")
    for rule in settings.rules:
        try:
            proposals = RULES[rule](payment, candidates, settings)
        except Ambiguous as exc:
            return _unapplied(payment, Outcome.AMBIGUOUS, f"{rule.value}: {exc}")
        if proposals:
            return _settled(payment, proposals)
    return _unapplied(payment, Outcome.NO_MATCH, "no rule matched")


def match_by_remittance_reference(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> list[ProposedAllocation]:
    """Invoices whose numbers the payer wrote in the remittance, oldest due first."""
    named = invoice_numbers_in(payment.remittance, [i.number for i in invoices])
    remaining = payment.amount
    proposals: list[ProposedAllocation] = []
    for invoice in (i for i in invoices if i.number in named):
        if remaining.amount <= 0:
            break
        discount = invoice.discount_on(payment.value_date)
        why = f"invoice {invoice.number} named in remittance"
        if discount is not None and remaining == invoice.open_amount - discount:
            why += f", early-payment discount {discount} within its window"
            proposals.append(_allocation(invoice, remaining, MatchReason.REMITTANCE_REFERENCE,
                                         why, discount))
            remaining = remaining - remaining
            continue
        amount = min(remaining.amount, invoice.open_amount.amount)
        part = Money.of(amount, remaining.currency)
        if amount < invoice.open_amount.amount:
            why += " (part payment)"
        proposals.append(_allocation(invoice, part, MatchReason.REMITTANCE_REFERENCE, why))
        remaining = remaining - part
    return proposals


def match_by_exact_amount(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> list[ProposedAllocation]:
    """The one open invoice of the payer whose open amount is exactly the payment."""
    same = [i for i in invoices if i.open_amount == payment.amount]
    if len(same) > 1:
        raise Ambiguous(f"{len(same)} open invoices of {payment.amount}: "
                        + ", ".join(i.number for i in same))
    if not same:
        return []
    invoice = same[0]
    return [_allocation(invoice, payment.amount, MatchReason.EXACT_AMOUNT,
                        f"only open invoice of {payment.amount}: {invoice.number}")]


def match_by_combination(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> list[ProposedAllocation]:
    """Open invoices adding up exactly to the payment: fewest invoices, then oldest."""
    pool = [i for i in invoices if i.open_amount.amount <= payment.amount.amount]
    pool = pool[: settings.max_combination_candidates]  # already oldest due first
    solutions = exact_combinations(
        [i.open_amount.amount for i in pool], payment.amount.amount,
        settings.max_combination_size,
    )
    if not solutions:
        return []
    fewest = min(len(s) for s in solutions)
    best = [s for s in solutions if len(s) == fewest]
    best.sort(key=lambda s: [pool[k].due_date for k in s])
    if len(best) > 1 and [pool[k].due_date for k in best[0]] == [
        pool[k].due_date for k in best[1]
    ]:
        raise Ambiguous(f"{len(best)} combinations of {fewest} invoices with the same due dates")
    chosen = [pool[k] for k in best[0]]
    numbers = " + ".join(i.number for i in chosen)
    return [_allocation(i, i.open_amount, MatchReason.COMBINATION,
                        f"{numbers} add up to {payment.amount}") for i in chosen]


def match_by_early_payment_discount(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> list[ProposedAllocation]:
    """The one invoice paid exactly at its discounted amount within its discount window."""
    hits: list[tuple[OpenInvoice, Money]] = []
    for invoice in invoices:
        discount = invoice.discount_on(payment.value_date)
        if discount is not None and invoice.open_amount - discount == payment.amount:
            hits.append((invoice, discount))
    if len(hits) > 1:
        raise Ambiguous("several invoices match at their discounted amount: "
                        + ", ".join(i.number for i, _ in hits))
    if not hits:
        return []
    invoice, discount = hits[0]
    why = (f"{invoice.number} paid {payment.amount} = {invoice.open_amount} less discount "
           f"{discount}, within the window ending {invoice.discount_until}")
    return [_allocation(invoice, payment.amount, MatchReason.EARLY_PAYMENT_DISCOUNT, why,
                        discount)]


def match_oldest_first(
    payment: PaymentToMatch, invoices: list[OpenInvoice], settings: MatchingSettings
) -> list[ProposedAllocation]:
    """The payment applied to the payer's open invoices by due date, oldest first."""
    remaining = payment.amount
    proposals: list[ProposedAllocation] = []
    for invoice in invoices:
        if remaining.amount <= 0:
            break
        part = Money.of(min(remaining.amount, invoice.open_amount.amount), remaining.currency)
        full = part == invoice.open_amount
        why = f"oldest open invoice {invoice.number} (due {invoice.due_date})" + (
            "" if full else ", part payment")
        proposals.append(_allocation(invoice, part, MatchReason.OLDEST_FIRST, why))
        remaining = remaining - part
    return proposals


RULES = {
    MatchReason.REMITTANCE_REFERENCE: match_by_remittance_reference,
    MatchReason.EXACT_AMOUNT: match_by_exact_amount,
    MatchReason.COMBINATION: match_by_combination,
    MatchReason.EARLY_PAYMENT_DISCOUNT: match_by_early_payment_discount,
    MatchReason.OLDEST_FIRST: match_oldest_first,
}


def _allocation(
    invoice: OpenInvoice, amount: Money, reason: MatchReason, why: str,
    discount: Money | None = None,
) -> ProposedAllocation:
    return ProposedAllocation(invoice.invoice_id, amount, reason, why, discount)


def _settled(payment: PaymentToMatch, proposals: list[ProposedAllocation]) -> MatchResult:
    allocated = sum((p.amount.amount for p in proposals), Decimal(0))
    left = Money.of(payment.amount.amount - allocated, payment.amount.currency)
    if left.amount > 0:
        return MatchResult(Outcome.CREDIT_ON_ACCOUNT, f"{left} left as credit on account",
                           tuple(proposals), left)
    return MatchResult(Outcome.FULLY_APPLIED, "fully applied", tuple(proposals), None)


def _unapplied(payment: PaymentToMatch, outcome: Outcome, why: str) -> MatchResult:
    return MatchResult(outcome, why, (), payment.amount)
