"""Disputes and bad debt: given what is open, when a collector acts, then these events."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledgerline_collections.domain.disputes import (
    DisputeStatus,
    OpenDispute,
    ResolveDispute,
    decide_open_dispute,
    decide_resolve_dispute,
    replay_dispute,
)
from ledgerline_collections.domain.write_offs import (
    ApprovalLimit,
    ApproveWriteOff,
    RecoverWrittenOffDebt,
    WriteOffDebt,
    WrittenOffBefore,
    decide_recovery,
    decide_second_approval,
    decide_write_off,
    replay_invoice_write_offs,
)
from ledgerline_events.contract import Envelope, Event, Money, new_envelope
from ledgerline_events.contract.collections import (
    DebtWrittenOff,
    DisputeOutcome,
    DisputeReason,
    WriteOffRequested,
    WrittenOffDebtRecovered,
)
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, NotPermitted, StateConflict

TODAY = date(2026, 4, 1)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def history(events: list[Event]) -> list[Envelope]:
    return [
        new_envelope(e, aggregate_id="agg", aggregate_version=i + 1, customer_id="C1",
                     occurred_at=datetime(2026, 4, 1, tzinfo=UTC), producer="collections")
        for i, e in enumerate(events)
    ]


def open_cmd(amount: str = "100", currency: str = "EUR") -> OpenDispute:
    return OpenDispute("d1", "inv-1", Money.of(amount, currency), DisputeReason.QUALITY_COMPLAINT)


def test_open_then_resolve_a_dispute() -> None:
    opened = decide_open_dispute(None, open_cmd(), eur("300"), TODAY)
    state = replay_dispute(history(opened))
    assert state is not None and state.status is DisputeStatus.OPEN
    resolved = decide_resolve_dispute(
        state, ResolveDispute("d1", DisputeOutcome.CUSTOMER_LIABLE), TODAY
    )
    closed = replay_dispute(history(opened + resolved))
    assert closed is not None and closed.status is DisputeStatus.RESOLVED
    assert closed.outcome is DisputeOutcome.CUSTOMER_LIABLE
    with pytest.raises(StateConflict) as refused:
        decide_resolve_dispute(closed, ResolveDispute("d1", DisputeOutcome.CREDIT_NOTE), TODAY)
    assert refused.value.rule == "dispute_open"


@pytest.mark.parametrize(
    ("cmd", "error", "field"),
    [
        (open_cmd("0"), InvalidRequest, "amount"),
        (open_cmd("10", "USD"), InvalidRequest, "amount.currency"),
        (open_cmd("300.01"), StateConflict, "amount"),
    ],
)
def test_a_dispute_covers_part_of_what_is_open(
    cmd: OpenDispute, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as refused:
        decide_open_dispute(None, cmd, eur("300"), TODAY)
    assert refused.value.field == field  # type: ignore[attr-defined]


def test_resolving_an_unknown_dispute() -> None:
    with pytest.raises(NotFound):
        decide_resolve_dispute(None, ResolveDispute("d9", DisputeOutcome.CREDIT_NOTE), TODAY)


def write_off(amount: str | None) -> WriteOffDebt:
    return WriteOffDebt("w1", "inv-1", eur(amount) if amount else None, "insolvency", "cfo")


@pytest.mark.parametrize(
    ("amount", "open_amount", "written"),
    [("40", "100", "40"), ("100", "100", "100"), (None, "100", "100")],
)
def test_write_off_full_or_partial(amount: str | None, open_amount: str, written: str) -> None:
    (event,) = decide_write_off(None, write_off(amount), eur(open_amount), TODAY)
    assert isinstance(event, DebtWrittenOff)
    assert event.amount == eur(written) and event.approver == "cfo"


@pytest.mark.parametrize(
    ("amount", "open_amount", "error", "rule"),
    [
        ("100.01", "100", StateConflict, "not_above_open_amount"),
        (None, "0", StateConflict, "invoice_open"),
        ("-5", "100", InvalidRequest, "must_be_positive"),
    ],
)
def test_never_write_off_more_than_is_open(
    amount: str | None, open_amount: str, error: type[Exception], rule: str
) -> None:
    with pytest.raises(error) as refused:
        decide_write_off(None, write_off(amount), eur(open_amount), TODAY)
    assert refused.value.rule == rule  # type: ignore[attr-defined]


@pytest.mark.parametrize(("amount", "on_invoice", "on_customer", "allowed"), [
    ("5000", "0", "0", True),
    ("1000", "5000", "5000", False),  # 5000 + 1000 on one invoice: not two requests within 5000
    ("1000", "0", "4500", False),  # another invoice of the same customer counts too
    ("500", "0", "4500", True),
])
def test_the_approval_limit_counts_what_was_written_off_before_on_the_invoice_and_customer(
    amount: str, on_invoice: str, on_customer: str, allowed: bool,
) -> None:
    cmd = WriteOffDebt("w2", "inv-1", eur(amount), "insolvency", "fay",
                       ApprovalLimit(Decimal(5000), "EUR"),
                       WrittenOffBefore(Decimal(on_invoice), Decimal(on_customer)))
    if allowed:
        assert decide_write_off(None, cmd, eur("10000"), TODAY)
    else:
        with pytest.raises(NotPermitted, match="already written off"):
            decide_write_off(None, cmd, eur("10000"), TODAY)


def test_above_the_four_eyes_threshold_one_person_asks_and_another_approves() -> None:
    asked = WriteOffDebt("w3", "inv-1", eur("8000"), "insolvency", "fay",
                         ApprovalLimit(Decimal(10000)))
    (request,) = decide_write_off(None, asked, eur("9000"), TODAY, Decimal(5000))
    assert isinstance(request, WriteOffRequested) and request.requested_by == "fay"
    ledger = replay_invoice_write_offs("inv-1", history([request]))
    assert ledger.net_written_off == 0 and "w3" in ledger.requested

    with pytest.raises(NotPermitted, match="second person"):
        decide_second_approval(ledger, ApproveWriteOff("w3", "fay"), eur("9000"), TODAY)
    with pytest.raises(NotPermitted, match="approval limit"):
        decide_second_approval(ledger, ApproveWriteOff("w3", "gus", ApprovalLimit(Decimal(500))),
                               eur("9000"), TODAY)
    with pytest.raises(StateConflict, match="only"):
        decide_second_approval(ledger, ApproveWriteOff("w3", "gus"), eur("7000"), TODAY)
    (written,) = decide_second_approval(ledger, ApproveWriteOff("w3", "gus"), eur("9000"), TODAY)
    assert isinstance(written, DebtWrittenOff)
    assert (written.approver, written.amount) == ("gus", eur("8000"))
    done = replay_invoice_write_offs("inv-1", history([request, written]))
    assert done.net_written_off == Decimal(8000) and not done.requested
    with pytest.raises(StateConflict, match="already approved"):
        decide_second_approval(done, ApproveWriteOff("w3", "hal"), eur("1000"), TODAY)
    small = WriteOffDebt("w4", "inv-1", eur("5000"), "insolvency", "fay")
    assert isinstance(decide_write_off(None, small, eur("9000"), TODAY, Decimal(5000))[0],
                      DebtWrittenOff)  # at the threshold: one person suffices


def test_recoveries_never_exceed_what_is_still_written_off() -> None:
    events: list[Event] = [
        DebtWrittenOff(write_off_id="w1", invoice_id="inv-1", amount=eur("100"), reason="r",
                       approver="cfo", written_off_on=TODAY),
        WrittenOffDebtRecovered(recovery_id="r1", write_off_id="w1", invoice_id="inv-1",
                                amount=eur("30"), recovered_on=TODAY),
    ]
    ledger = replay_invoice_write_offs("inv-1", history(events))
    assert ledger.net_written_off == eur("70").amount
    state = ledger.write_offs["w1"]
    (recovered,) = decide_recovery(state, RecoverWrittenOffDebt("r2", "w1", eur("70")), TODAY)
    assert isinstance(recovered, WrittenOffDebtRecovered)
    with pytest.raises(StateConflict) as refused:
        decide_recovery(state, RecoverWrittenOffDebt("r2", "w1", eur("70.01")), TODAY)
    assert refused.value.rule == "not_above_written_off"
    with pytest.raises(NotFound):
        decide_recovery(None, RecoverWrittenOffDebt("r2", "w9", eur("1")), TODAY)
