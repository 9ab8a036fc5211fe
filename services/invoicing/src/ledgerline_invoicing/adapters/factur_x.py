"""A Factur-X invoice: the invoice's PDF with its CII XML embedded (factur-x.xml, relationship
Data) and the PDF/A-3 metadata that names the profile, by Akretion's factur-x library, which
checks the XML against the EN 16931 schema on the way. The PDF it starts from embeds its font
(runtime.pdf, archival); here it gets the sRGB output intent PDF/A asks for."""

from __future__ import annotations

from io import BytesIO

import facturx
from PIL import ImageCms
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def factur_x_pdf(pdf: bytes, cii: bytes, language: str) -> bytes:
    document: bytes = facturx.generate_from_binary(
        with_output_intent(pdf), cii, flavor="factur-x", level="en16931", check_xsd=True,
        lang=language)
    return document


def with_output_intent(pdf: bytes) -> bytes:
    """The PDF with an sRGB output intent (the colour space its text is meant in)."""
    writer = PdfWriter(clone_from=BytesIO(pdf))
    profile = StreamObject()
    profile.set_data(SRGB)
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(profile),
    })
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
