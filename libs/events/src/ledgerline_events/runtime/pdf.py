"""A document (a dunning letter, an invoice) as a PDF: its text typeset on A4 in a fixed-width
font (so tables stay aligned), long lines wrapped, pages numbered with the document's id. The
same text gives the same bytes on every run and every replay (no clock, no random ids in the
file), so its checksum can stand for it in the log."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from fastapi import Response
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

rl_config.invariant = 1  # no creation date or random document id: the same text, the same bytes

FONT, SIZE, LEADING = "Courier", 9.5, 12.5  # fixed width: the invoice table stays aligned
# An archival document (PDF/A, the visible side of a Factur-X) embeds its font: DejaVu Sans
# Mono, from Debian's fonts-dejavu-core (make setup installs it), or LEDGERLINE_PDF_FONT.
ARCHIVAL_FONT = "DejaVuSansMono"
ARCHIVAL_FONT_FILE = os.environ.get("LEDGERLINE_PDF_FONT",
                                    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
MARGIN = 20 * mm
CHARS_PER_LINE = 92  # what fits between the margins at this size
LATIN_1 = "latin-1"  # the standard PDF fonts' encoding: French and Italian letters fit


@dataclass(frozen=True)
class Pdf:
    content: bytes

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def text_pdf(document_id: str, text: str, *, archival: bool = False) -> Pdf:
    """`archival`: the font embedded (as PDF/A asks) rather than one of the standard 14."""
    font = _archival_font() if archival else FONT
    buffer = BytesIO()
    # Only an archival document names its own font first (no Helvetica left unembedded); the
    # others keep their bytes, so the checksums already in the log still match a re-render.
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1,
                    initialFontName=font if archival else None)  # type: ignore[arg-type]  # stubs: float
    canvas.setTitle(f"ledgerline {document_id}")
    canvas.setAuthor("ledgerline")
    width, height = A4
    lines = [piece for line in text.splitlines() for piece in _wrapped(line)]
    per_page = int((height - 2 * MARGIN) // LEADING)
    for start in range(0, max(len(lines), 1), per_page):
        page = canvas.beginText(MARGIN, height - MARGIN)
        page.setFont(font, SIZE, leading=LEADING)
        for line in lines[start:start + per_page]:
            page.textLine(line.encode(LATIN_1, "replace").decode(LATIN_1))
        canvas.drawText(page)
        canvas.setFont(font, 7)
        canvas.drawRightString(width - MARGIN, MARGIN / 2, f"{document_id} · {start // per_page + 1}")
        canvas.showPage()
    canvas.save()
    return Pdf(buffer.getvalue())


def _archival_font() -> str:
    if ARCHIVAL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(ARCHIVAL_FONT, ARCHIVAL_FONT_FILE))
    return ARCHIVAL_FONT


def _wrapped(line: str) -> list[str]:
    if len(line) <= CHARS_PER_LINE:
        return [line]
    words, out, current = line.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > CHARS_PER_LINE:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*out, current]


# A route answering a document declares it so (the OpenAPI says what comes back).
PDF_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}}


def pdf_answer(pdf: Pdf, filename: str, *, etag: bool) -> Response:
    """The document as an HTTP answer, shown inline; `etag`: its sha256 names this version."""
    headers = {"Content-Disposition": f'inline; filename="{filename}.pdf"'}
    if etag:
        headers["ETag"] = f'"{pdf.checksum}"'
    return Response(pdf.content, media_type="application/pdf", headers=headers)
