"""The payment aggregate: given its events, when a command, then these events (or a refusal)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledgerline_cash.domain import payment as p
from ledgerline_events.contract import Envelope, Event, Money, new_envelope
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    MatchReason,
    PaymentAllocated,
    PaymentReversed,
    RefundIssued,
)
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict

TODAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def given(*events: Event, customer: str | None = "C-1") -> p.Payment:
    history: list[Envelope] = [
        new_envelope(e, aggregate_id="P-1", aggregate_version=n, customer_id=customer,
                     occurred_at=AT, producer="cash-application")
        for n, e in enumerate(events, start=1)
    ]
    state = p.replay(history)
    assert state is not None
    return state


def received(amount: str = "500.00") -> list[Event]:
    return p.receive_payment(None, p.ReceivePayment("P-1", eur(amount), TODAY))


def allocation(allocation_id: str, invoice: str, amount: str, open_amount: str = "1000.00",
               customer: str = "C-1", discount: str | None = None) -> p.Allocate:
    return p.Allocate(allocation_id, invoice, customer, "EUR", eur(open_amount), eur(amount),
                      MatchReason.MANUAL, "by hand", eur(discount) if discount else None)


def allocated(payment: p.Payment, cmd: p.Allocate) -> list[Event]:
    return p.allocate(payment, cmd, AT)


def test_receiving_a_payment_records_it_once() -> None:
    events = received()
    assert events[0].amount == eur("500.00")  # type: ignore[attr-defined]
    with pytest.raises(StateConflict):
        p.receive_payment(given(*events), p.ReceivePayment("P-1", eur("1"), TODAY))


def test_a_payment_must_be_positive() -> None:
    with pytest.raises(InvalidRequest):
        p.receive_payment(None, p.ReceivePayment("P-1", eur("0"), TODAY))


def test_allocating_reduces_unapplied_cash() -> None:
    payment = given(*received())
    events = allocated(payment, allocation("A-1", "I-1", "200.00"))
    assert isinstance(events[0], PaymentAllocated)
    assert given(*received(), *events).unapplied == eur("300.00")


@pytest.mark.parametrize(
    ("cmd", "rule"),
    [
        (allocation("A-2", "I-1", "500.01"), "exceeds_unapplied"),
        (allocation("A-2", "I-1", "100.00", open_amount="99.99"), "exceeds_open_amount"),
        (allocation("A-2", "I-1", "98.00", open_amount="99.99", discount="2.00"),
         "exceeds_open_amount"),
        (allocation("A-2", "I-1", "10.00", customer="C-2"), "other_customer"),
        (allocation("A-2", "I-1", "0.00"), "amount_positive"),
    ],
)
def test_allocation_is_refused(cmd: p.Allocate, rule: str) -> None:
    with pytest.raises((StateConflict, InvalidRequest)) as caught:
        allocated(given(*received()), cmd)
    assert caught.value.rule == rule


def test_cannot_allocate_more_than_what_is_left_after_earlier_allocations() -> None:
    first = allocated(given(*received()), allocation("A-1", "I-1", "400.00"))
    with pytest.raises(StateConflict):
        allocated(given(*received(), *first), allocation("A-2", "I-2", "100.01"))


def test_unidentified_payer_is_known_after_first_allocation() -> None:
    payment = given(*received(), customer=None)
    assert payment.customer_id is None
    events = allocated(payment, allocation("A-1", "I-1", "100.00", customer="C-9"))
    history = [
        new_envelope(received()[0], aggregate_id="P-1", aggregate_version=1, customer_id=None,
                     occurred_at=AT, producer="cash-application"),
        new_envelope(events[0], aggregate_id="P-1", aggregate_version=2, customer_id="C-9",
                     occurred_at=AT, producer="cash-application"),
    ]
    state = p.replay(history)
    assert state is not None and state.customer_id == "C-9"


def test_unallocating_reopens_and_frees_the_cash() -> None:
    history = [*received(), *allocated(given(*received()), allocation("A-1", "I-1", "200.00"))]
    events = p.unallocate(given(*history), "A-1", "wrong invoice", AT)
    assert isinstance(events[0], AllocationReversed) and events[0].invoice_id == "I-1"
    assert given(*history, *events).unapplied == eur("500.00")
    with pytest.raises(StateConflict):
        p.unallocate(given(*history, *events), "A-1", "again", AT)


def test_reversing_a_payment_reverses_each_live_allocation_then_the_payment() -> None:
    history = [*received()]
    history += allocated(given(*history), allocation("A-1", "I-1", "200.00"))
    history += allocated(given(*history), allocation("A-2", "I-2", "100.00"))
    history += p.unallocate(given(*history), "A-1", "wrong", AT)
    events = p.reverse_payment(given(*history), "bounced", AT)
    assert [type(e) for e in events] == [AllocationReversed, PaymentReversed]
    assert events[0].allocation_id == "A-2"  # type: ignore[attr-defined]
    after = given(*history, *events)
    assert after.reversed and after.unapplied == eur("0")
    with pytest.raises(StateConflict):
        p.reverse_payment(after, "again", AT)
    with pytest.raises(StateConflict):
        allocated(after, allocation("A-3", "I-1", "1.00"))


def test_refund_of_credit_on_account_up_to_unapplied() -> None:
    history = [*received()]
    history += allocated(given(*history), allocation("A-1", "I-1", "450.00"))
    events = p.refund(given(*history), "R-1", eur("50.00"), "customer asked", AT)
    assert isinstance(events[0], RefundIssued)
    assert given(*history, *events).unapplied == eur("0.00")
    with pytest.raises(StateConflict):
        p.refund(given(*history), "R-2", eur("50.01"), "too much", AT)
    with pytest.raises(StateConflict):
        p.reverse_payment(given(*history, *events), "bounced", AT)


def test_refund_needs_a_known_payer() -> None:
    with pytest.raises(StateConflict):
        p.refund(given(*received(), customer=None), "R-1", eur("1.00"), "x", AT)
