"""Dunning what-ifs: another ladder (waiting days, minimum amounts, grace) run over a past period
of the real history, on the same run days, as if it had been the policy then: each run sees
the open invoices, disputes and promises of its day, and the letters this ladder itself would
have sent before (not the live ones). Compared with what the live policy did: letters by
level, customers reached, and invoices under a dispute in the period that got a letter. Pure:
nothing is written, the live history is only read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ledgerline_events.contract.collections import DunningLevel

from .dunning import (
    DunningLetterPlan,
    DunningPolicy,
    InvoiceDunningHistory,
    InvoiceDunningState,
    plan_dunning_run,
)


@dataclass(frozen=True)
class RunDay:
    """A run day's open invoices, as they stood that day (their ladder left blank)."""

    run_date: date
    invoices: tuple[InvoiceDunningState, ...]


@dataclass(frozen=True)
class Letter:
    """A letter as the comparison counts it."""

    customer_id: str
    level: DunningLevel
    invoice_ids: tuple[str, ...]


def replay_ladder(days: Sequence[RunDay], policy: DunningPolicy,
                  before: Mapping[str, tuple[DunningLevel, date]] | None = None
                  ) -> list[DunningLetterPlan]:
    """Every letter `policy` would have sent on these days, each run remembering its own
    earlier letters; `before`: where the live ladder stood when the period began (per invoice
    its last level and that letter's day), so the what-if does not start from scratch."""
    dunned = InvoiceDunningHistory(dict(before or {}))
    letters: list[DunningLetterPlan] = []
    for day in sorted(days, key=lambda d: d.run_date):
        states = [replace(i, last_level=dunned.last.get(i.invoice_id, (None, None))[0],
                          last_letter_on=dunned.last.get(i.invoice_id, (None, None))[1])
                  for i in day.invoices]
        plans = plan_dunning_run(states, day.run_date, policy)
        for plan in plans:
            for line in plan.lines:
                dunned = dunned.seen(line.invoice.invoice_id, line.level, day.run_date)
        letters += plans
    return letters


def letters_of(plans: Iterable[DunningLetterPlan]) -> list[Letter]:
    return [Letter(p.customer_id, p.level, tuple(line.invoice.invoice_id for line in p.lines))
            for p in plans]


@dataclass(frozen=True)
class Outcome:
    letters: int
    by_level: dict[str, int]
    customers_reached: int
    disputed_invoices_dunned: int  # invoices disputed in the period that got a letter

    def as_dict(self) -> dict[str, object]:
        return {"letters": self.letters, "by_level": self.by_level,
                "customers_reached": self.customers_reached,
                "disputed_invoices_dunned": self.disputed_invoices_dunned}


def outcome_of(letters: Sequence[Letter], disputed: set[str]) -> Outcome:
    levels = Counter(letter.level.value for letter in letters)
    dunned = {i for letter in letters for i in letter.invoice_ids}
    return Outcome(len(letters), dict(sorted(levels.items())),
                   len({letter.customer_id for letter in letters}), len(dunned & disputed))
