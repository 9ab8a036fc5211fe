"""A Factur-X invoice: the invoice's PDF with its CII XML embedded (factur-x.xml, relationship
Data) and the PDF/A-3 metadata that names the profile, by Akretion's factur-x library, which
checks the XML against the EN 16931 schema on the way."""

from __future__ import annotations

import facturx


def factur_x_pdf(pdf: bytes, cii: bytes, language: str) -> bytes:
    document: bytes = facturx.generate_from_binary(
        pdf, cii, flavor="factur-x", level="en16931", check_xsd=True, lang=language)
    return document
