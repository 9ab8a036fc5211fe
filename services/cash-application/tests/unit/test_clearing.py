"""Clearing: what a credit note, write-off, recovery or cancellation takes off its invoice,
and why no open amount ever goes below zero, at any instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerline_cash.domain.clearing import (
    Document,
    DocumentKind,
    InvoiceToClear,
    Moved,
    clear,
    least_open_from,
)
from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import (
    CancellationApplied,
    CreditNoteApplied,
    RecoveryApplied,
    WriteOffApplied,
)

ISSUED = datetime(2026, 3, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return ISSUED + timedelta(days=n)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def invoice(*moves: tuple[int, str], still_written_off: str = "0") -> InvoiceToClear:
    """An invoice of 100.00 issued on day 0, then these (day, delta) movements."""
    history = (Moved(ISSUED, Decimal("100.00")), *(Moved(day(d), Decimal(x)) for d, x in moves))
    open_now = sum((m.delta for m in history), Decimal(0))
    return InvoiceToClear("I-1", ISSUED, eur(str(open_now)), history, Decimal(still_written_off))


def document(kind: DocumentKind, amount: str, on_day: int = 5) -> Document:
    return Document(kind, "D-1", "I-1", eur(amount), day(on_day), "W-1")


def test_a_credit_note_larger_than_the_open_rest_leaves_the_excess_on_account() -> None:
    event = clear(document(DocumentKind.CREDIT_NOTE, "300.00"), invoice((2, "-40.00")), "CR-D-1")
    assert isinstance(event, CreditNoteApplied)
    assert (event.applied, event.to_account) == (eur("60.00"), eur("240.00"))
    assert event.credit_id == "CR-D-1"


def test_a_credit_note_on_a_fully_written_off_invoice_is_all_credit_on_account() -> None:
    written_off = invoice((1, "-100.00"))
    event = clear(document(DocumentKind.CREDIT_NOTE, "300.00"), written_off, "CR-D-1")
    assert isinstance(event, CreditNoteApplied)
    assert (event.applied, event.to_account) == (eur("0"), eur("300.00"))


def test_a_write_off_never_applies_to_money_that_is_not_owed() -> None:
    event = clear(document(DocumentKind.WRITE_OFF, "100.00"), invoice((1, "-60.00")), "")
    assert isinstance(event, WriteOffApplied)
    assert (event.amount, event.applied) == (eur("100.00"), eur("40.00"))


def test_a_backdated_credit_note_cannot_push_a_later_day_below_zero() -> None:
    # Paid in full on day 10, unallocated on day 12: open 0 between day 10 and 12.
    paid_then_unallocated = invoice((10, "-100.00"), (12, "+100.00"))
    event = clear(document(DocumentKind.CREDIT_NOTE, "100.00", on_day=3), paid_then_unallocated,
                  "CR-D-1")
    assert isinstance(event, CreditNoteApplied)
    assert (event.applied, event.to_account) == (eur("0"), eur("100.00"))


def test_a_document_dated_before_its_invoice_takes_effect_at_the_issue() -> None:
    event = clear(document(DocumentKind.WRITE_OFF, "30.00", on_day=-4), invoice(), "")
    assert isinstance(event, WriteOffApplied)
    assert event.applied_on == ISSUED.date() and event.applied == eur("30.00")


def test_a_recovery_reopens_at_most_what_its_write_off_still_keeps_off() -> None:
    event = clear(document(DocumentKind.RECOVERY, "80.00"),
                  invoice((1, "-50.00"), still_written_off="50.00"), "")
    assert isinstance(event, RecoveryApplied)
    assert (event.applied, event.write_off_id) == (eur("50.00"), "W-1")


def test_a_cancellation_clears_what_is_open() -> None:
    event = clear(document(DocumentKind.CANCELLATION, "100.00"), invoice((1, "-30.00")), "")
    assert isinstance(event, CancellationApplied)
    assert event.applied == eur("70.00")


def test_the_least_open_amount_counts_movements_of_one_instant_together() -> None:
    moves = [Moved(day(5), Decimal("-50")), Moved(day(5), Decimal("+50"))]
    assert least_open_from(Decimal("50"), moves, day(1)) == Decimal("50")


# (day, amount, reduces): any order of recording, any business days.
Steps = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 150), st.booleans()),
                 max_size=25)


@settings(max_examples=300, deadline=None)
@given(Steps)
def test_clearing_in_any_order_never_leaves_an_open_amount_below_zero_on_any_day(
    steps: list[tuple[int, int, bool]],
) -> None:
    moves = [Moved(ISSUED, Decimal(100))]
    for on_day, amount, reduces in steps:
        open_now = sum((m.delta for m in moves), Decimal(0))
        if reduces:
            taken = min(Decimal(amount), least_open_from(open_now, moves, day(on_day)))
            moves.append(Moved(day(on_day), -taken))
        else:
            moves.append(Moved(day(on_day), Decimal(amount)))
    for d in range(32):
        assert sum((m.delta for m in moves if m.at <= day(d)), Decimal(0)) >= 0
