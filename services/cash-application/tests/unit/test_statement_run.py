"""A statement file's entries are matched in file order: each sees what the earlier ones
allocated and which payer accounts they taught, exactly as if imported one by one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from ledgerline_cash.domain.auto_match import receive_and_apply
from ledgerline_cash.domain.clearing import Moved
from ledgerline_cash.domain.matching import MatchingSettings, OpenInvoice
from ledgerline_cash.domain.payment import ReceivePayment
from ledgerline_cash.domain.statement_run import OpenBalance, StatementRun
from ledgerline_events.contract import Money

ids = count(1)
ISSUED = datetime(2026, 1, 5, 9, tzinfo=UTC)
MARCH = datetime(2026, 3, 6, 12, tzinfo=UTC)


def _balance(customer: str, number: str, amount: str, moves: list[Moved] | None = None
             ) -> OpenBalance:
    invoice = OpenInvoice(f"i-{number}", number, date(2026, 2, 4), Money.of(amount, "EUR"),
                          issued_at=ISSUED)
    return OpenBalance(customer, number.replace("-", ""), invoice, moves or [])


def _pay(run: StatementRun, amount: str, remittance: str, account: str, at: datetime = MARCH
         ) -> tuple[str | None, str, list[str]]:
    customer, how = run.identify(remittance, account)
    invoices = run.open_invoices(customer, "EUR", at) if customer else []
    applied = receive_and_apply(
        ReceivePayment(f"P-{next(ids)}", Money.of(amount, "EUR"), at.date(), remittance=remittance),
        customer, invoices, MatchingSettings(), at, lambda: f"AL-{next(ids)}")
    run.took(applied)
    if customer and how != "payer_account":
        run.learn(account, customer)
    return customer, how, [getattr(e, "invoice_id", "") for e in applied.events[1:]]


def test_an_invoice_paid_earlier_in_the_file_is_not_paid_again() -> None:
    run = StatementRun([_balance("C-1", "INV-1", "100.00"), _balance("C-1", "INV-2", "40.00")],
                       {})
    assert _pay(run, "100.00", "INV-1", "") == ("C-1", "remittance_reference", ["i-INV-1"])
    # INV-1 is settled now: naming it again identifies nobody (no open invoice is named).
    assert _pay(run, "100.00", "INV-1", "") == (None, "unidentified", [])
    assert run.open_invoices("C-1", "EUR", MARCH)[0].invoice_id == "i-INV-2"


def test_an_account_learned_at_one_entry_identifies_a_later_one() -> None:
    run = StatementRun([_balance("C-7", "INV-7", "50.00"), _balance("C-7", "INV-8", "80.00")],
                       {})
    assert _pay(run, "50.00", "INV 7", "nl91 abna 0417 1643 00")[:2] == (
        "C-7", "remittance_reference")
    assert _pay(run, "80.00", "thanks", "NL91ABNA0417164300") == (
        "C-7", "payer_account", ["i-INV-8"])
    assert run.learned == {"NL91ABNA0417164300": "C-7"}


def test_an_account_known_before_the_file_is_not_learned_again() -> None:
    run = StatementRun([_balance("C-2", "INV-9", "70.00")], {"DE02120300000000202051": "C-2"})
    assert _pay(run, "70.00", "", "DE02 1203 0000 0000 2020 51")[:2] == ("C-2", "payer_account")
    assert run.learned == {}


def test_a_backdated_entry_cannot_take_what_a_later_dated_one_took() -> None:
    run = StatementRun([_balance("C-3", "INV-3", "100.00")], {"ACC-3": "C-3"})
    _pay(run, "60.00", "INV-3", "", at=MARCH)
    february = datetime(2026, 2, 10, 12, tzinfo=UTC)
    # On 10 February 100.00 was open, but 60.00 comes off on 6 March: 40.00 can go now.
    assert run.open_invoices("C-3", "EUR", february)[0].open_amount.amount == Decimal("40.00")


def test_named_invoices_of_two_customers_identify_nobody_but_the_account_does() -> None:
    run = StatementRun([_balance("C-4", "INV-4", "10.00"), _balance("C-5", "INV-5", "20.00")],
                       {"ACC-5": "C-5"})
    assert run.identify("INV-4 INV-5", "ACC-5") == ("C-5", "payer_account")
    assert run.identify("INV-4 INV-5", "") == (None, "unidentified")
