"""The customer statement as a document: opening balance, every movement with the balance
after it, the balance due, in the customer's language."""

from __future__ import annotations

from datetime import date

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Language
from ledgerline_invoicing.domain.statement import (
    InterestAccrued,
    Movement,
    MovementKind,
    Statement,
    StatementLine,
)
from ledgerline_invoicing.domain.statement_document import statement_text


def test_a_french_statement_lists_each_movement_with_the_balance_after_it() -> None:
    paid = Movement(date(2026, 3, 10), MovementKind.PAYMENT, "inv-1", "PAY-1", "al-1",
                    Money.of("-1000.00", "EUR"))
    march = Statement("EUR", date(2026, 3, 1), date(2026, 3, 31), Money.of("1200.00", "EUR"),
                      (StatementLine(paid, Money.of("200.00", "EUR")),), Money.of("200.00", "EUR"))
    text = statement_text("C-FR", "Durand SA", [march], Language.FR, Creditor())
    for shown in ("RELEVÉ DE COMPTE", "Période: 01/03/2026 - 31/03/2026", "1 200,00 EUR",
                  "10/03/2026", "paiement", "-1 000,00 EUR", "Solde dû", "200,00 EUR"):
        assert shown in text, shown


def accrued(number: str, interest: str, indemnity: str, currency: str = "EUR") -> InterestAccrued:
    return InterestAccrued(f"id-{number}", number, 30, Money.of(interest, currency),
                           Money.of(indemnity, currency))


def test_interest_accrued_and_not_yet_claimed_is_shown_beside_the_balance_not_in_it() -> None:
    march = Statement("EUR", date(2026, 3, 1), date(2026, 3, 31), Money.of("1000.00", "EUR"),
                      (), Money.of("1000.00", "EUR")).with_interest(
        [accrued("INV-1", "6.79", "40.00"), accrued("INV-2", "1.00", "0.00", "GBP")])
    assert [i.invoice_number for i in march.interest_accrued or ()] == ["INV-1"]  # its currency
    assert march.interest_total == Money.of("46.79", "EUR")
    assert march.closing_balance == Money.of("1000.00", "EUR")
    text = statement_text("C-FR", "Durand SA", [march], Language.FR, Creditor())
    for shown in ("Pénalités de retard courues au 31/03/2026, non encore facturées", "INV-1",
                  "6,79 EUR", "40,00 EUR", "Pénalités et indemnités", "46,79 EUR"):
        assert shown in text, shown


def test_a_statement_says_when_the_interest_could_not_be_known() -> None:
    march = Statement("EUR", date(2026, 3, 1), date(2026, 3, 31), Money.of("0.00", "EUR"),
                      (), Money.of("0.00", "EUR")).with_interest(None)
    assert "Late-payment interest: not available at the moment" in statement_text(
        "C-GB", "Acme", [march], Language.EN, Creditor())
    nothing = march.with_interest([])
    assert "interest" not in statement_text("C-GB", "Acme", [nothing], Language.EN, Creditor())
