"""A document as a PDF: its text, aligned and paged, the same bytes every time."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from ledgerline_events.runtime.pdf import text_pdf

LETTER = """Ledgerline Ltd
Le 15/06/2026

Facture              Échéance      Jours retard  Montant
INV-2026-000017      01/05/2026              45  1 234,56 EUR

Total échu : 1 234,56 EUR"""


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_pdf_says_the_letter_with_its_invoices_and_amounts() -> None:
    text = text_of(text_pdf("R-1", LETTER).content)
    assert "INV-2026-000017" in text and "1 234,56 EUR" in text and "Échéance" in text


def test_the_same_letter_gives_the_same_bytes_on_every_rendering() -> None:
    assert text_pdf("R-1", LETTER).checksum == text_pdf("R-1", LETTER).checksum
    assert text_pdf("R-1", LETTER).checksum != text_pdf("R-2", LETTER).checksum


def test_a_long_letter_goes_on_over_pages_and_long_lines_wrap() -> None:
    long = "\n".join(f"INV-{n:06d} " + "x " * 60 for n in range(120))
    pdf = PdfReader(BytesIO(text_pdf("R-3", long).content))
    assert len(pdf.pages) > 2 and "INV-000119" in text_of(text_pdf("R-3", long).content)
