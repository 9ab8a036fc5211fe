"""Reading invoice references out of free remittance text."""

from __future__ import annotations

import re

_SEPARATORS = r"[-/ ._]?"


def invoice_numbers_in(remittance: str, numbers: list[str]) -> set[str]:
    """The invoice numbers the payer wrote, tolerating dropped or changed separators
    (``INV-2026-0001``, ``inv 2026 0001``, ``INV20260001``) but not a longer number
    (``INV-2026-00012``)."""
    found: set[str] = set()
    for number in numbers:
        if _pattern(number).search(remittance):
            found.add(number)
    return found


def _pattern(number: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[-/ ._]+", number.strip()) if p]
    body = _SEPARATORS.join(parts)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
