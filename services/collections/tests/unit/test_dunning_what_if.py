"""Dunning what-ifs: another ladder replayed over the run days, remembering its own letters (and
where the live ladder stood when the period began), counted against what the live one did."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ledgerline_collections.domain.dunning import InvoiceDunningState, ladder_policy
from ledgerline_collections.domain.dunning_what_if import (
    Letter,
    RunDay,
    letters_of,
    outcome_of,
    replay_ladder,
)
from ledgerline_events.contract.collections import DunningLevel

DUE = date(2026, 3, 1)


def open_invoice(invoice_id: str, customer: str, amount: str = "100.00",
                 disputed: bool = False) -> InvoiceDunningState:
    return InvoiceDunningState(invoice_id, f"INV-{invoice_id}", customer, "EUR", DUE,
                               Decimal(amount), disputed=disputed)


def weekly_runs(weeks: int, *invoices: InvoiceDunningState) -> list[RunDay]:
    return [RunDay(DUE + timedelta(weeks=n), invoices) for n in range(1, weeks + 1)]


def test_a_ladder_climbs_one_level_per_run_when_due_and_remembers_its_own_letters() -> None:
    policy = ladder_policy([7, 21, 35, 50], 7, {}, 0)
    plans = replay_ladder(weekly_runs(8, open_invoice("a", "C1")), policy)
    assert [(p.run_date - DUE).days for p in plans] == [7, 21, 35, 56]  # a letter when due
    assert [p.level for p in plans] == [DunningLevel.FRIENDLY_REMINDER, DunningLevel.REMINDER,
                                        DunningLevel.FINAL_NOTICE, DunningLevel.AGENCY_HANDOVER]


def test_where_the_live_ladder_stood_at_the_start_is_not_sent_again() -> None:
    policy = ladder_policy([7, 21, 35, 50], 7, {}, 0)
    already = {"a": (DunningLevel.REMINDER, DUE + timedelta(days=21))}
    plans = replay_ladder(weekly_runs(5, open_invoice("a", "C1")), policy, already)
    assert plans[0].level is DunningLevel.FINAL_NOTICE  # no friendly reminder again


def test_a_minimum_amount_and_disputes_keep_letters_away_and_the_outcome_counts_them() -> None:
    policy = ladder_policy([7, 21, 35, 50], 7, {"EUR": Decimal(150)}, 0)
    plans = replay_ladder(weekly_runs(2, open_invoice("small", "C1"),
                                      open_invoice("big", "C2", "900.00"),
                                      open_invoice("disputed", "C3", "900.00", disputed=True)),
                          policy)
    assert [p.customer_id for p in plans] == ["C2"]
    live = [Letter("C1", DunningLevel.FRIENDLY_REMINDER, ("small",)),
            Letter("C3", DunningLevel.FRIENDLY_REMINDER, ("disputed",))]
    assert outcome_of(live, {"disputed"}).as_dict() == {
        "letters": 2, "by_level": {"friendly_reminder": 2}, "customers_reached": 2,
        "disputed_invoices_dunned": 1}
    assert outcome_of(letters_of(plans), {"disputed"}).customers_reached == 1
