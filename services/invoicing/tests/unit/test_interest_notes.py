"""An interest note bills what collections claimed: one line per amount claimed, in the
customer's language, at 0 % VAT, due at once, under its own series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline_events.contract.late_interest import LateInterestClaimed
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Customer, Language, TermsKind
from ledgerline_invoicing.domain.interest_notes import interest_note


def claim(language: Language, indemnity: str) -> LateInterestClaimed:
    return LateInterestClaimed(
        claim_id="lic-9", invoice_id="inv-9", invoice_number="INV-2026-000009",
        customer=Customer(customer_id="C-9", name="Dupont", language=language, country="FR"),
        as_of=date(2026, 4, 1), days=60, interest=Money.of("16.69", "EUR"),
        indemnity=Money.of(indemnity, "EUR"), claimed_by="fay")


def test_a_french_claim_with_its_indemnity_bills_two_lines_in_french_at_zero_vat() -> None:
    note = interest_note(claim(Language.FR, "40.00"))
    assert (note.invoice_id, note.series, note.issue_date) == ("int-lic-9", "INT", date(2026, 4, 1))
    assert note.payment_terms.kind is TermsKind.NET and note.payment_terms.net_days == 0
    assert [(line.description[:19], line.unit_price, line.tax_rate) for line in note.lines] == [
        ("Intérêts de retard ", Decimal("16.69"), 0), ("Indemnité forfaitai", Decimal("40.00"), 0)]


def test_a_later_claim_without_the_indemnity_bills_the_interest_alone() -> None:
    note = interest_note(claim(Language.DE, "0.00"))  # no German words: English
    [line] = note.lines
    assert line.description == "Late-payment interest on invoice INV-2026-000009 (60 days to 2026-04-01)"
