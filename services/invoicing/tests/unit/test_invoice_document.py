"""The invoice as a document: what was issued, in the customer's language, every amount
explained, with the terms and where to pay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.sales import Language, PaymentTerms, TermsKind
from ledgerline_invoicing.domain.invoice_document import (
    IssuedCreditNote,
    IssuedInvoice,
    credit_note_text,
    invoice_text,
)

LINE = {"description": "Rouleaux de tissu", "quantity": "12", "unit_price": "1050.00",
        "tax_rate": "20", "net": "12600.00"}


def invoice(language: Language, terms: PaymentTerms) -> IssuedInvoice:
    return IssuedInvoice(
        "inv-1", "INV-2026-000042", "C-FR", "Durand SA", "SO-77", "EUR", date(2026, 3, 1),
        date(2026, 3, 31), language, terms, [LINE], Decimal("12600.00"), Decimal("2520.00"),
        Decimal("15120.00"))


def test_a_french_invoice_reads_in_french_with_french_amounts() -> None:
    text = invoice_text(invoice(Language.FR, PaymentTerms(kind=TermsKind.NET, net_days=30)),
                        Creditor())
    for shown in ("FACTURE INV-2026-000042", "Échéance: 31/03/2026", "Votre commande: SO-77",
                  "12 600,00 EUR", "Total TTC", "15 120,00 EUR", "30 jours net",
                  "IBAN GB00EXAM00000000000000"):
        assert shown in text, shown


def test_an_early_payment_discount_is_spelled_out() -> None:
    terms = PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30, discount_days=10,
                         discount_percent=Decimal("2"))
    assert "2 % discount within 10 days, net 30 days" in invoice_text(
        invoice(Language.EN, terms), Creditor())


def test_a_language_without_labels_is_printed_in_english() -> None:
    text = invoice_text(invoice(Language.DE, PaymentTerms(kind=TermsKind.NET, net_days=14)),
                        Creditor())
    assert "INVOICE INV-2026-000042" in text and "12,600.00 EUR" in text


def test_a_credit_note_says_what_it_credits_why_and_how_much() -> None:
    note = IssuedCreditNote("AV-2026-000003", date(2026, 3, 20), Decimal("120.00"),
                            "retour de marchandise", invoice(
                                Language.FR, PaymentTerms(kind=TermsKind.NET, net_days=30)))
    text = credit_note_text(note, Creditor())
    for shown in ("AVOIR AV-2026-000003", "sur la facture INV-2026-000042 du 01/03/2026",
                  "Motif: retour de marchandise", "120,00 EUR"):
        assert shown in text, shown
