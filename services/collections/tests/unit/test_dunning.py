"""The dunning ladder, table-driven: given an invoice's state, which level is due today."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledgerline_collections.domain.dunning import (
    DunningPolicy,
    InvoiceDunningHistory,
    InvoiceDunningState,
    dunning_level_due,
    plan_dunning_run,
    reminder_sent,
)
from ledgerline_events.contract.collections import DunningLevel
from ledgerline_events.contract.sales import Language

F, R, N, A = (
    DunningLevel.FRIENDLY_REMINDER,
    DunningLevel.REMINDER,
    DunningLevel.FINAL_NOTICE,
    DunningLevel.AGENCY_HANDOVER,
)
DUE = date(2026, 1, 1)
POLICY = DunningPolicy()


def day(n: int) -> date:
    """The date `n` days after the due date."""
    return DUE + timedelta(days=n)


def invoice(**changes: object) -> InvoiceDunningState:
    base = InvoiceDunningState(
        invoice_id="inv-1", invoice_number="INV-1", customer_id="C1", currency="EUR",
        due_date=DUE, open_amount=Decimal("500.00"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "state", "today", "expected"),
    [
        ("due today", invoice(), day(0), None),
        ("day before friendly", invoice(), day(6), None),
        ("friendly at +7", invoice(), day(7), F),
        ("never dunned, very late: still friendly first", invoice(), day(80), F),
        ("day before reminder", invoice(last_level=F, last_letter_on=day(7)), day(20), None),
        ("reminder at +21", invoice(last_level=F, last_letter_on=day(7)), day(21), R),
        ("final notice at +35", invoice(last_level=R, last_letter_on=day(21)), day(35), N),
        ("day before final", invoice(last_level=R, last_letter_on=day(21)), day(34), None),
        ("agency at +50", invoice(last_level=N, last_letter_on=day(35)), day(50), A),
        ("day before agency", invoice(last_level=N, last_letter_on=day(35)), day(49), None),
        ("after agency: nothing more", invoice(last_level=A, last_letter_on=day(50)), day(90), None),
        ("friendly already sent: no repeat", invoice(last_level=F, last_letter_on=day(7)),
         day(7), None),
        ("min 7 days after previous letter",
         invoice(last_level=F, last_letter_on=day(18)), day(24), None),
        ("7 days after previous letter: due",
         invoice(last_level=F, last_letter_on=day(18)), day(25), R),
        ("open dispute pauses", invoice(disputed=True), day(30), None),
        ("promise not yet due pauses", invoice(promised_until=day(30)), day(30), None),
        ("promise date passed: dunning resumes", invoice(promised_until=day(29)), day(30), F),
        ("fully paid", invoice(open_amount=Decimal(0)), day(30), None),
        ("credit balance", invoice(open_amount=Decimal("-5")), day(30), None),
    ],
)
def test_dunning_level_due(
    case: str, state: InvoiceDunningState, today: date, expected: DunningLevel | None
) -> None:
    assert dunning_level_due(state, today, POLICY) == expected, case


@pytest.mark.parametrize(("today", "expected"), [(day(9), None), (day(10), F)])
def test_grace_days_delay_every_level(today: date, expected: DunningLevel | None) -> None:
    assert dunning_level_due(invoice(), today, DunningPolicy(grace_days=3)) == expected


def test_one_letter_per_customer_and_currency_at_the_highest_level() -> None:
    today = day(40)
    invoices = [
        invoice(invoice_id="a", invoice_number="A", last_level=R, last_letter_on=day(21)),
        invoice(invoice_id="b", invoice_number="B", due_date=day(30)),  # 10 days: friendly
        invoice(invoice_id="c", invoice_number="C", due_date=day(38)),  # 2 days: not listed
        invoice(invoice_id="d", invoice_number="D", disputed=True),  # disputed: not listed
        invoice(invoice_id="e", invoice_number="E", currency="USD"),  # other letter
        invoice(invoice_id="f", invoice_number="F", customer_id="C2", open_amount=Decimal(0)),
    ]
    plans = plan_dunning_run(invoices, today, POLICY)
    assert [(p.customer_id, p.currency, p.level) for p in plans] == [
        ("C1", "EUR", N), ("C1", "USD", F),
    ]
    eur = plans[0]
    assert [(line.invoice.invoice_id, line.level, line.days_overdue) for line in eur.lines] == [
        ("a", N, 40), ("b", F, 10),
    ]
    assert eur.total == Decimal("1000.00")


def test_previously_dunned_invoices_are_listed_again_only_with_something_new() -> None:
    dunned = invoice(invoice_id="a", invoice_number="A", last_level=F, last_letter_on=day(7))
    assert plan_dunning_run([dunned], day(12), POLICY) == []
    fresh = invoice(invoice_id="b", invoice_number="B", due_date=day(5))
    (plan,) = plan_dunning_run([dunned, fresh], day(12), POLICY)
    assert [(line.invoice.invoice_id, line.level, line.is_new_level) for line in plan.lines] == [
        ("a", F, False), ("b", F, True),
    ]


@pytest.mark.parametrize(("minimum", "letters"), [("499.99", 1), ("500.00", 1), ("500.01", 0)])
def test_minimum_amount_per_currency(minimum: str, letters: int) -> None:
    policy = DunningPolicy(minimum_amounts={"EUR": Decimal(minimum)})
    assert len(plan_dunning_run([invoice()], day(7), policy)) == letters
    assert len(plan_dunning_run([invoice(currency="USD")], day(7), policy)) == 1


def test_running_twice_the_same_day_sends_nothing_new() -> None:
    today = day(7)
    (plan,) = plan_dunning_run([invoice()], today, POLICY)
    sent = reminder_sent(plan, "rem-1", Language.EN, "letter text")
    history = InvoiceDunningHistory().record(sent)
    level, on = history.last["inv-1"]
    again = invoice(last_level=level, last_letter_on=on)
    assert plan_dunning_run([again], today, POLICY) == []


def test_relisting_at_the_same_level_keeps_the_date_of_that_level() -> None:
    first = reminder_sent(
        plan_dunning_run([invoice()], day(7), POLICY)[0], "r1", Language.EN, "x"
    )
    other = invoice(invoice_id="b", invoice_number="B", due_date=day(5))
    dunned = invoice(last_level=F, last_letter_on=day(7))
    second = reminder_sent(
        plan_dunning_run([dunned, other], day(12), POLICY)[0], "r2", Language.EN, "x"
    )
    history = InvoiceDunningHistory().record(first).record(second)
    assert history.last["inv-1"] == (F, day(7))
    assert history.last["b"] == (F, day(12))


def test_reminder_event_lists_the_invoices_with_money() -> None:
    (plan,) = plan_dunning_run([invoice()], day(7), POLICY)
    event = reminder_sent(plan, "rem-1", Language.FR, "lettre")
    assert event.level is F and event.run_date == day(7)
    assert str(event.total_overdue) == "500.00 EUR"
    assert event.invoices[0].days_overdue == 7


@pytest.mark.parametrize(
    "levels_change",
    [{"levels": ()}, {"grace_days": -1}],
)
def test_policy_must_be_coherent(levels_change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DunningPolicy(**levels_change)  # type: ignore[arg-type]
