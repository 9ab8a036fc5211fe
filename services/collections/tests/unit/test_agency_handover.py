"""The hand-over to a collection agency: after the final notice, with what is open, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerline_collections.domain.agency_handover import decide_handover, handed_over
from ledgerline_events.contract import Event, Money
from ledgerline_events.contract.collections import (
    AccountHandedOver,
    DunningLevel,
    RemindedInvoice,
    ReminderSent,
    ReminderVoided,
)
from ledgerline_events.contract.refusals import StateConflict

TODAY = date(2026, 6, 15)


def letter(reminder_id: str, level: DunningLevel) -> ReminderSent:
    line = RemindedInvoice(invoice_id="i-1", invoice_number="INV-1", due_date=date(2026, 5, 1),
                           open_amount=Money.of("900.00", "EUR"), days_overdue=35, level=level)
    return ReminderSent(reminder_id=reminder_id, level=level, run_date=TODAY, currency="EUR",
                        language="en", invoices=[line], total_overdue=Money.of("900.00", "EUR"),
                        letter="Final notice")


def decide(history: list[Event], open_: dict[str, str] | None = None) -> list[Event]:
    owed = {k: Decimal(v) for k, v in (open_ or {"i-1": "900.00", "i-2": "0"}).items()}
    return decide_handover(history, "ho-1", "EUR", "Dupont", owed, TODAY, "fin-1")


def test_after_the_final_notice_the_open_invoices_go_over_with_their_total() -> None:
    [handed] = decide([letter("r-1", DunningLevel.FINAL_NOTICE)])
    assert isinstance(handed, AccountHandedOver)
    assert (handed.invoice_ids, handed.total) == (["i-1"], Money.of("900.00", "EUR"))
    assert handed_over([handed]) == handed


@pytest.mark.parametrize(("history", "open_", "rule"), [
    ([letter("r-1", DunningLevel.REMINDER)], None, "final_notice_first"),
    ([letter("r-1", DunningLevel.FINAL_NOTICE),
      ReminderVoided(reminder_id="r-1", reason="sent in error", voided_by="col",
                     voided_on=TODAY)], None, "final_notice_first"),
    ([letter("r-1", DunningLevel.FINAL_NOTICE)], {"i-1": "0"}, "something_open"),
])
def test_a_hand_over_too_early_or_of_nothing_is_refused(
    history: list[Event], open_: dict[str, str] | None, rule: str,
) -> None:
    with pytest.raises(StateConflict) as refused:
        decide(history, open_)
    assert refused.value.rule == rule


def test_an_account_is_handed_over_once() -> None:
    history: list[Event] = [letter("r-1", DunningLevel.FINAL_NOTICE)]
    history += decide(history)
    with pytest.raises(StateConflict) as refused:
        decide(history)
    assert refused.value.rule == "account_handed_over"
