"""Reading invoice references out of free remittance text."""

from __future__ import annotations

import re

_SEPARATORS = r"[-/ ._]?"
_SEPARATOR_RUN = re.compile(r"[-/ ._]+")


def invoice_numbers_in(remittance: str, numbers: list[str]) -> set[str]:
    """The invoice numbers the payer wrote, tolerating dropped or changed separators
    (``INV-2026-0001``, ``inv 2026 0001``, ``INV20260001``) but not a longer number
    (``INV-2026-00012``)."""
    # Compiling one pattern per open invoice was most of a payment's CPU. A number can only
    # match if its parts appear back to back once separators are dropped and case folded, so
    # that cheap substring test decides which patterns are worth compiling.
    squeezed = _SEPARATOR_RUN.sub("", remittance).casefold()
    return {number for number in numbers
            if _squeezed(number) in squeezed and _pattern(number).search(remittance)}


def _parts(number: str) -> list[str]:
    return [p for p in _SEPARATOR_RUN.split(number.strip()) if p]


def _squeezed(number: str) -> str:
    return "".join(_parts(number)).casefold()


def _pattern(number: str) -> re.Pattern[str]:
    body = _SEPARATORS.join(re.escape(p) for p in _parts(number))
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
