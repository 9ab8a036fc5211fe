"""Given an invoice's events, when a credit note or cancellation is asked, then these events
(or this refusal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerline_events.contract.base import Event
from ledgerline_events.contract.invoicing import (
    CreditNoteIssued,
    EarlyPaymentDiscount,
    InvoiceCancelled,
    InvoiceIssued,
)
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict
from ledgerline_events.contract.sales import PaymentTerms, TermsKind
from ledgerline_invoicing.domain.errors import InvoiceNotFound
from ledgerline_invoicing.domain.invoice import (
    CancelInvoice,
    IssueCreditNote,
    decide_cancel,
    decide_credit_note,
    replay,
)

from .invoicing_scenarios import (
    ISSUED_ON,
    credit_note_issued,
    eur,
    invoice_cancelled,
    invoice_issued,
)

NOTHING = eur("0")


def credit(amount: str | None, *, currency: str = "EUR", on: date = ISSUED_ON) -> IssueCreditNote:
    money = None if amount is None else Money.of(amount, currency)
    return IssueCreditNote("inv-1", "cn-new", money, "price correction", on)


def when_credited(given: list[Event], command: IssueCreditNote, settled: Money) -> list[Event]:
    return decide_credit_note(replay(given), command, settled, "CN-2026-000009")


def test_issued_invoice_states_lines_totals_and_due_date() -> None:
    issued = invoice_issued("100")
    assert isinstance(issued, InvoiceIssued)
    assert issued.gross_total == eur("120.00")
    assert (issued.net_total, issued.tax_total) == (eur("100.00"), eur("20.00"))
    assert issued.due_date == date(2026, 3, 31)
    assert issued.invoice_number == "INV-2026-000001"
    assert issued.early_payment_discount is None  # net 30: nothing to deduct


def test_issued_invoice_carries_its_early_payment_discount_on_the_gross() -> None:
    two_ten_net_30 = PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30,
                                  discount_days=10, discount_percent=Decimal("2.5"))
    issued = invoice_issued("100.10", terms=two_ten_net_30)
    assert isinstance(issued, InvoiceIssued) and issued.gross_total == eur("120.12")
    assert issued.early_payment_discount == EarlyPaymentDiscount(
        amount=eur("3.00"), until=date(2026, 3, 11))  # 120.12 x 2.5 % = 3.003, half-up


@pytest.mark.parametrize(
    ("given", "amount", "settled", "credited"),
    [
        ([invoice_issued()], "20", NOTHING, "20"),  # partial
        ([invoice_issued()], "120", NOTHING, "120"),  # exactly everything
        ([invoice_issued()], None, NOTHING, "120.00"),  # full: whatever remains
        ([invoice_issued(), credit_note_issued("20")], None, NOTHING, "100.00"),
        ([invoice_issued()], None, eur("50"), "70.00"),  # paid in part: credits the rest
        ([invoice_issued(), credit_note_issued("20")], "50", eur("50"), "50"),  # to the cent
        # more than is still open: returned goods already paid for; the excess goes on account
        ([invoice_issued()], "71", eur("50"), "71"),
        ([invoice_issued()], "120", eur("120"), "120"),
    ],
)
def test_credit_note_reduces_what_remains(
    given: list[Event], amount: str | None, settled: Money, credited: str
) -> None:
    [event] = when_credited(given, credit(amount), settled)
    assert isinstance(event, CreditNoteIssued)
    assert event.amount == eur(credited)
    assert event.credit_note_number == "CN-2026-000009"


@pytest.mark.parametrize(
    ("given", "command", "settled", "refusal", "field"),
    [
        ([invoice_issued()], credit("120.01"), NOTHING, StateConflict, "amount.amount"),
        ([invoice_issued(), credit_note_issued("100")], credit("20.01"), NOTHING,
         StateConflict, "amount.amount"),
        ([invoice_issued()], credit(None), eur("120"), StateConflict, "amount.amount"),
        ([invoice_issued(), invoice_cancelled()], credit("1"), NOTHING, StateConflict,
         "invoice_id"),
        ([invoice_issued()], credit("0"), NOTHING, InvalidRequest, "amount.amount"),
        ([invoice_issued()], credit("-5"), NOTHING, InvalidRequest, "amount.amount"),
        ([invoice_issued()], credit("1.001"), NOTHING, InvalidRequest, "amount.amount"),
        ([invoice_issued()], credit("10", currency="USD"), NOTHING, InvalidRequest,
         "amount.currency"),
        ([invoice_issued()], credit("10", on=date(2026, 2, 28)), NOTHING, InvalidRequest,
         "issue_date"),
    ],
)
def test_credit_note_refusals_name_field_and_rule(
    given: list[Event], command: IssueCreditNote, settled: Money,
    refusal: type[Exception], field: str,
) -> None:
    with pytest.raises(refusal) as refused:
        when_credited(given, command, settled)
    assert getattr(refused.value, "field", None) == field


def test_credit_note_for_an_unknown_invoice_is_not_found() -> None:
    with pytest.raises(InvoiceNotFound):
        when_credited([], credit("1"), NOTHING)


CANCEL = CancelInvoice("inv-1", "issued by mistake", ISSUED_ON)


def test_untouched_invoice_can_be_cancelled_for_its_full_amount() -> None:
    [event] = decide_cancel(replay([invoice_issued()]), CANCEL, NOTHING)
    assert event == InvoiceCancelled(
        invoice_id="inv-1", amount=eur("120.00"), reason="issued by mistake",
        cancelled_on=ISSUED_ON,
    )


@pytest.mark.parametrize(
    ("given", "settled", "rule_words"),
    [
        ([invoice_issued()], eur("0.01"), "payments allocated"),
        ([invoice_issued(), credit_note_issued("10")], NOTHING, "credit note"),
        ([invoice_issued(), invoice_cancelled()], NOTHING, "already cancelled"),
    ],
)
def test_cancellation_only_while_nothing_is_allocated_or_credited(
    given: list[Event], settled: Money, rule_words: str
) -> None:
    with pytest.raises(StateConflict) as refused:
        decide_cancel(replay(given), CANCEL, settled)
    assert rule_words in refused.value.message


def test_cancellation_needs_a_reason() -> None:
    with pytest.raises(InvalidRequest) as refused:
        decide_cancel(replay([invoice_issued()]), CancelInvoice("inv-1", "  ", ISSUED_ON), NOTHING)
    assert refused.value.field == "reason"


def test_replay_folds_the_invoice_history() -> None:
    invoice = replay([invoice_issued(), credit_note_issued("20"), credit_note_issued("5")])
    assert invoice is not None
    assert (invoice.credited, invoice.version, invoice.cancelled) == (eur("25"), 3, False)
    assert invoice.remaining(eur("10")) == eur("85.00")
