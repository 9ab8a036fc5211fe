"""Recording a payment applies it at once: PaymentReceived then one PaymentAllocated per match."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from ledgerline_cash.domain.auto_match import receive_and_apply
from ledgerline_cash.domain.matching import MatchingSettings, OpenInvoice, Outcome
from ledgerline_cash.domain.payment import ReceivePayment
from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import PaymentAllocated, PaymentReceived

ids = count(1)
AT = datetime(2026, 3, 6, 9, tzinfo=UTC)
INVOICES = [
    OpenInvoice("i-1", "INV-1", date(2026, 1, 31), Money.of("100.00", "EUR")),
    OpenInvoice("i-2", "INV-2", date(2026, 2, 28), Money.of("250.00", "EUR")),
]


def test_overpayment_settles_the_named_invoice_and_leaves_credit() -> None:
    applied = receive_and_apply(
        ReceivePayment("P-1", Money.of("300.00", "EUR"), date(2026, 3, 5), remittance="INV-2"),
        "C-1", INVOICES, MatchingSettings(), AT, lambda: f"AL-{next(ids)}",
    )
    received, allocated = applied.events
    assert isinstance(received, PaymentReceived) and isinstance(allocated, PaymentAllocated)
    assert (allocated.invoice_id, allocated.amount) == ("i-2", Money.of("250.00", "EUR"))
    assert allocated.allocated_on == date(2026, 3, 6)
    assert applied.match.outcome is Outcome.CREDIT_ON_ACCOUNT
    assert applied.match.unapplied == Money.of("50.00", "EUR")


def test_unidentified_payer_is_only_received() -> None:
    applied = receive_and_apply(
        ReceivePayment("P-2", Money.of("100.00", "EUR"), date(2026, 3, 5)),
        None, [], MatchingSettings(), AT, lambda: f"AL-{next(ids)}",
    )
    assert [type(e) for e in applied.events] == [PaymentReceived]
    assert applied.match.outcome is Outcome.UNIDENTIFIED_PAYER
