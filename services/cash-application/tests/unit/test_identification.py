"""What the unapplied queue says about a payment nobody could attribute."""

from __future__ import annotations

from ledgerline_cash.domain.identification import (
    IdentificationFacts,
    number_keys_in,
    what_was_tried,
)
from ledgerline_events.contract import Money


def facts(**changes: object) -> IdentificationFacts:
    base: dict[str, object] = {"amount": Money.of("480.00", "EUR"), "payer_account": "",
                               "named_invoices": {}, "account_customer": None,
                               "same_amount_customers": ()}
    return IdentificationFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_payment_with_no_clue_says_each_clue_was_tried() -> None:
    assert what_was_tried(facts()) == [
        "the remittance names no open invoice number",
        "the bank gave no paying account",
        "no open invoice is of 480.00 EUR",
    ]


def test_invoices_of_two_customers_named_in_one_remittance_are_listed() -> None:
    tried = what_was_tried(facts(named_invoices={"INV-1": "C-1", "INV-2": "C-2"}))
    assert tried[0] == ("the remittance names invoices of 2 customers (INV-1 (C-1), "
                        "INV-2 (C-2)): a person decides")


def test_an_account_learned_since_and_an_amount_that_fits_are_shown() -> None:
    tried = what_was_tried(facts(payer_account="NL91ABNA0417164300", account_customer="C-9",
                                 same_amount_customers=("C-1", "C-2")))
    assert tried[1:] == ["account NL91ABNA0417164300 is known now for customer C-9",
                         "open invoices of 480.00 EUR belong to 2 customers"]


def test_invoice_numbers_are_looked_for_however_the_payer_spaced_them() -> None:
    assert {"INV20260001", "INV", "2026"} <= number_keys_in("paid inv 2026 0001, thanks")
