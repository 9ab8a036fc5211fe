"""The customer statement as a document: opening balance, every movement with the balance
after it, the balance due, in the customer's language."""

from __future__ import annotations

from datetime import date

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Language
from ledgerline_invoicing.domain.statement import (
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
