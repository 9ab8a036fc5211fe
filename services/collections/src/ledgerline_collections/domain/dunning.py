"""The dunning ladder: which overdue invoices get which letter, and when.

Rules (defaults in brackets):
- Levels in order: friendly reminder (+7 days after due), reminder (+21), final notice (+35),
  hand-over to a collection agency (+50). A level is due once the invoice is that many days
  overdue plus the grace days [0], and at least `min_days_after_previous` [7] days after the
  letter of the previous level.
- Levels are never skipped: an invoice reaches the final notice only after a reminder, and is
  handed over only after a final notice (a formal demand must precede the agency).
- A level is sent once per invoice: no repeat of a level already sent.
- Invoices under an open dispute, or under a promise to pay whose date has not passed (and
  that is not broken), are left out entirely.
- One letter per customer and currency, listing every invoice due a new level at that level
  and every invoice dunned before and still open at its last level; the letter's level is the
  highest listed. No letter when nothing is due a new level, or when the letter's total is
  below the currency's minimum amount [0].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby, pairwise

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import (
    DunningLevel,
    RemindedInvoice,
    ReminderSent,
    ReminderVoided,
)
from ledgerline_events.contract.sales import Language

from .ageing import days_overdue

LADDER: tuple[DunningLevel, ...] = (
    DunningLevel.FRIENDLY_REMINDER,
    DunningLevel.REMINDER,
    DunningLevel.FINAL_NOTICE,
    DunningLevel.AGENCY_HANDOVER,
)


def level_rank(level: DunningLevel | None) -> int:
    """0 for never dunned, 1 for a friendly reminder ... 4 for an agency hand-over."""
    return 0 if level is None else LADDER.index(level) + 1


@dataclass(frozen=True)
class LevelRule:
    """When a level becomes due: days after the due date and after the previous letter."""

    level: DunningLevel
    days_after_due: int
    min_days_after_previous: int = 7


DEFAULT_LEVELS: tuple[LevelRule, ...] = (
    LevelRule(DunningLevel.FRIENDLY_REMINDER, 7, 0),
    LevelRule(DunningLevel.REMINDER, 21),
    LevelRule(DunningLevel.FINAL_NOTICE, 35),
    LevelRule(DunningLevel.AGENCY_HANDOVER, 50),
)


@dataclass(frozen=True)
class DunningPolicy:
    """The configurable ladder, the minimum letter amount per currency and the grace days."""

    levels: tuple[LevelRule, ...] = DEFAULT_LEVELS
    minimum_amounts: Mapping[str, Decimal] = field(default_factory=dict)
    grace_days: int = 0

    def __post_init__(self) -> None:
        if tuple(rule.level for rule in self.levels) != LADDER:
            raise ValueError("the policy must define every level, in ladder order")
        waits = [rule.days_after_due for rule in self.levels]
        if waits[0] < 1 or any(b <= a for a, b in pairwise(waits)):
            raise ValueError("waiting days must be positive and strictly increasing")
        if self.grace_days < 0:
            raise ValueError("grace days cannot be negative")

    def rule_for(self, level: DunningLevel) -> LevelRule:
        return self.levels[LADDER.index(level)]

    def minimum_for(self, currency: str) -> Decimal:
        return self.minimum_amounts.get(currency, Decimal(0))


@dataclass(frozen=True)
class InvoiceDunningState:
    """What dunning needs to know about one open invoice on the run date."""

    invoice_id: str
    invoice_number: str
    customer_id: str
    currency: str
    due_date: date
    open_amount: Decimal
    disputed: bool = False
    promised_until: date | None = None  # date of an open (unbroken, unkept) promise
    last_level: DunningLevel | None = None
    last_letter_on: date | None = None


def ladder_policy(days_after_due: Sequence[int], min_days_after_previous: int,
                  minimum_amounts: Mapping[str, Decimal], grace_days: int) -> DunningPolicy:
    """A policy from its figures: waiting days per level in ladder order, the days between two
    letters (none before the first), minimum letter amounts and grace days. ValueError when
    they make no ladder."""
    if len(days_after_due) != len(LADDER):
        raise ValueError(f"one waiting period per level: {len(LADDER)}")
    rules = tuple(LevelRule(level, days, 0 if i == 0 else min_days_after_previous)
                  for i, (level, days) in enumerate(zip(LADDER, days_after_due, strict=True)))
    return DunningPolicy(rules, dict(minimum_amounts), grace_days)


def is_dunning_paused(invoice: InvoiceDunningState, today: date) -> bool:
    """An open dispute, or a promise to pay whose date has not passed, pauses dunning."""
    promised = invoice.promised_until is not None and today <= invoice.promised_until
    return invoice.disputed or promised


def next_level(last_level: DunningLevel | None) -> DunningLevel | None:
    """The level after the last one sent (levels are never skipped); None after the last."""
    rank = level_rank(last_level)
    return LADDER[rank] if rank < len(LADDER) else None


def dunning_level_due(
    invoice: InvoiceDunningState, today: date, policy: DunningPolicy
) -> DunningLevel | None:
    """The new level this invoice should be dunned at today, or None if nothing is due."""
    if invoice.open_amount <= 0 or is_dunning_paused(invoice, today):
        return None
    level = next_level(invoice.last_level)
    if level is None:
        return None
    rule = policy.rule_for(level)
    if days_overdue(invoice.due_date, today) < rule.days_after_due + policy.grace_days:
        return None
    last = invoice.last_letter_on
    if last is not None and (today - last).days < rule.min_days_after_previous:
        return None
    return level


@dataclass(frozen=True)
class LetterLine:
    """An invoice listed on a letter, at the level it is (or was) dunned at."""

    invoice: InvoiceDunningState
    level: DunningLevel
    days_overdue: int
    is_new_level: bool


@dataclass(frozen=True)
class DunningLetterPlan:
    """The letter one customer should receive for one currency on the run date."""

    customer_id: str
    currency: str
    run_date: date
    level: DunningLevel
    lines: tuple[LetterLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.invoice.open_amount for line in self.lines), Decimal(0))


def letter_line(
    invoice: InvoiceDunningState, today: date, policy: DunningPolicy
) -> LetterLine | None:
    """The line this invoice contributes to today's letter, if any."""
    overdue = days_overdue(invoice.due_date, today)
    due = dunning_level_due(invoice, today, policy)
    if due is not None:
        return LetterLine(invoice, due, overdue, is_new_level=True)
    still_owed = invoice.open_amount > 0 and overdue > 0
    if invoice.last_level is not None and still_owed and not is_dunning_paused(invoice, today):
        return LetterLine(invoice, invoice.last_level, overdue, is_new_level=False)
    return None


def plan_customer_letter(
    invoices: Iterable[InvoiceDunningState], today: date, policy: DunningPolicy
) -> DunningLetterPlan | None:
    """The letter for one customer and currency, or None when nothing new is due."""
    ordered = sorted(invoices, key=lambda i: (i.due_date, i.invoice_number))
    lines = [line for i in ordered if (line := letter_line(i, today, policy)) is not None]
    if not any(line.is_new_level for line in lines):
        return None
    first = lines[0].invoice
    level = max((line.level for line in lines), key=level_rank)
    plan = DunningLetterPlan(first.customer_id, first.currency, today, level, tuple(lines))
    return plan if plan.total >= policy.minimum_for(first.currency) else None


def plan_dunning_run(
    invoices: Iterable[InvoiceDunningState], today: date, policy: DunningPolicy
) -> list[DunningLetterPlan]:
    """Every letter of a dunning run: one per customer and currency with something due."""

    def account(i: InvoiceDunningState) -> tuple[str, str]:
        return (i.customer_id, i.currency)

    plans = []
    for _, group in groupby(sorted(invoices, key=account), key=account):
        plan = plan_customer_letter(group, today, policy)
        if plan is not None:
            plans.append(plan)
    return plans


def reminder_sent(
    plan: DunningLetterPlan, reminder_id: str, language: Language, letter: str
) -> ReminderSent:
    """The event recording that the planned letter went out."""
    return ReminderSent(
        reminder_id=reminder_id,
        level=plan.level,
        run_date=plan.run_date,
        currency=plan.currency,
        language=language,
        invoices=[
            RemindedInvoice(
                invoice_id=line.invoice.invoice_id,
                invoice_number=line.invoice.invoice_number,
                due_date=line.invoice.due_date,
                open_amount=Money.of(line.invoice.open_amount, plan.currency),
                days_overdue=line.days_overdue,
                level=line.level,
            )
            for line in plan.lines
        ],
        total_overdue=Money.of(plan.total, plan.currency),
        letter=letter,
    )


@dataclass(frozen=True)
class InvoiceDunningHistory:
    """The highest level each invoice was dunned at, and the date that level's letter went
    out (from ReminderSent events; re-listing at the same level does not move the date)."""

    last: Mapping[str, tuple[DunningLevel, date]] = field(default_factory=dict)

    def record(self, event: ReminderSent) -> InvoiceDunningHistory:
        history = self
        for line in event.invoices:
            history = history.seen(line.invoice_id, line.level, event.run_date)
        return history

    def seen(self, invoice_id: str, level: DunningLevel, on: date) -> InvoiceDunningHistory:
        """The invoice listed at `level` on a letter of `on`."""
        previous = self.last.get(invoice_id)
        if previous is not None and level_rank(level) <= level_rank(previous[0]):
            return self
        return InvoiceDunningHistory({**self.last, invoice_id: (level, on)})


def history_as_of(
    letters: Iterable[ReminderSent], voids: Iterable[ReminderVoided], run_date: date
) -> InvoiceDunningHistory:
    """The ladder as it stood on `run_date`: letters dated up to that day, less those voided by
    then. Letters dated later do not count, so a run for a past date plans the same letters
    whatever was sent after it; a void lets the voided level be sent again."""
    voided = {v.reminder_id for v in voids if v.voided_on <= run_date}
    history = InvoiceDunningHistory()
    for letter in sorted(letters, key=lambda r: r.run_date):
        if letter.run_date <= run_date and letter.reminder_id not in voided:
            history = history.record(letter)
    return history
