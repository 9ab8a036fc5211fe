"""Dunning letters: language, tone by level, invoices listed, how to pay, next step."""

from datetime import date
from decimal import Decimal

import pytest

from ledgerline_collections.domain.dunning import (
    LADDER,
    DunningLetterPlan,
    InvoiceDunningState,
    LetterLine,
)
from ledgerline_collections.domain.letters import (
    PaymentInstructions,
    format_amount,
    render_letter,
)
from ledgerline_events.contract.collections import DunningLevel
from ledgerline_events.contract.sales import Language

PAY = PaymentInstructions(iban="FR7630006000011234567890189", bic="AGRIFRPP")


def plan(level: DunningLevel) -> DunningLetterPlan:
    inv = InvoiceDunningState(
        invoice_id="i1", invoice_number="INV-2026-0007", customer_id="C1", currency="EUR",
        due_date=date(2026, 1, 1), open_amount=Decimal("1234.5"),
    )
    line = LetterLine(inv, level, 40, is_new_level=True)
    return DunningLetterPlan("C1", "EUR", date(2026, 2, 10), level, (line,))


@pytest.mark.parametrize("language", [Language.EN, Language.FR, Language.IT, Language.DE])
@pytest.mark.parametrize("level", LADDER)
def test_every_letter_lists_invoices_total_and_how_to_pay(
    language: Language, level: DunningLevel
) -> None:
    text = render_letter(plan(level), "Acme SA", language, PAY)
    assert "INV-2026-0007" in text and "Acme SA" in text
    assert PAY.iban in text and PAY.bic in text
    assert " 40 " in text


@pytest.mark.parametrize(
    ("language", "greeting", "amount", "due"),
    [
        (Language.EN, "Dear Acme SA", "1,234.50 EUR", "2026-01-01"),
        (Language.FR, "Madame, Monsieur", "1 234,50 EUR", "01/01/2026"),
        (Language.IT, "Gentile cliente", "1.234,50 EUR", "01/01/2026"),
        (Language.DE, "Dear Acme SA", "1,234.50 EUR", "2026-01-01"),  # falls back to English
    ],
)
def test_letters_speak_the_customers_language(
    language: Language, greeting: str, amount: str, due: str
) -> None:
    text = render_letter(plan(DunningLevel.FRIENDLY_REMINDER), "Acme SA", language, PAY)
    assert greeting in text and amount in text and due in text


@pytest.mark.parametrize(
    ("language", "next_step"),
    [
        (Language.EN, "collection agency"),
        (Language.FR, "société de recouvrement"),
        (Language.IT, "società di recupero crediti"),
    ],
)
def test_final_notice_names_the_next_step(language: Language, next_step: str) -> None:
    final = render_letter(plan(DunningLevel.FINAL_NOTICE), "Acme SA", language, PAY)
    friendly = render_letter(plan(DunningLevel.FRIENDLY_REMINDER), "Acme SA", language, PAY)
    assert next_step in final and next_step not in friendly
    assert f"{PAY.final_notice_days}" in final


def test_tone_rises_with_the_level() -> None:
    texts = [render_letter(plan(level), "Acme", Language.EN, PAY) for level in LADDER]
    assert "Friendly payment reminder" in texts[0]
    assert "Despite our previous reminder" in texts[1]
    assert "FINAL NOTICE" in texts[2]
    assert "handed the debt over" in texts[3]


def test_amounts_are_rounded_to_the_currency() -> None:
    assert format_amount(Decimal("1000"), "JPY", Language.EN) == "1,000 JPY"
    assert format_amount(Decimal("0.5"), "EUR", Language.FR) == "0,50 EUR"
