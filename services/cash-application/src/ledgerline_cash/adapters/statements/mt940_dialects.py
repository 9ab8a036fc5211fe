"""What banks wrap around and inside MT940, undone before the `mt-940` package reads it.

- SWIFT envelopes (`{1:F01...}{2:O940...}{4:` ... `-}{5:}`), ING's `0000 01INGBNL2AXXXX00001` /
  `940 00` headers, ABN AMRO's `ABNANL2A` / `940` lines, Rabobank's `:940:`, trailers `-XXX`:
  outside a statement, dropped.
- Tags that hold one line by the standard but arrive wrapped (ING's `:28C:0000` + `0`) are
  joined back; `:61:` keeps its one line of supplementary details (ING wraps it in three).
- `:86:` after the closing balance is information about the statement (ING's
  `D000004C000002D25,24C28,71`), not about the last payment: dropped.
- MT942 (intraday: `:34F:`, `:13D:` or a `{2:O942` header) is refused, never read as MT940.

`Normalised.entry_lines` keeps, per statement, the original line number of each `:61:` so that
messages point at the bank's file, not at ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...domain.statement import IntradayReport

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):")
_ONE_LINE_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "62F", "62M", "64", "65"}
_CLOSING_TAGS = {"62F", "62M", "64", "65"}
_INTRADAY_TAGS = {"34F", "13D", "13"}
_ENVELOPE = re.compile(r"\{[1-3]:[^{}]*(\{[^{}]*\}[^{}]*)*\}|\{4:|\{5:[^{}]*(\{[^{}]*\})*\}")


@dataclass
class Normalised:
    text: str
    entry_lines: list[list[int]] = field(default_factory=list)  # per statement, per :61:


def normalise(original: str, *, intraday: bool = False) -> Normalised:
    """The statements of `original` as plain MT940; IntradayReport for MT942 (unless
    `intraday`: tests and previews read MT942 too)."""
    if not intraday and re.search(r"\{2:[IO]942", original):
        raise IntradayReport("line 1", _INTRADAY_MESSAGE)
    out: list[str] = []
    result = Normalised("")
    inside = closed = skipping = False
    last_tag = ""
    for number, raw_line in enumerate(original.splitlines(), start=1):
        line = _ENVELOPE.sub("", raw_line).rstrip()
        found = _TAG.match(line)
        tag = found.group("tag") if found else ""
        if tag in _INTRADAY_TAGS and not intraday:
            raise IntradayReport(f"line {number}", _INTRADAY_MESSAGE)
        if tag == "20":
            inside, closed, skipping = True, False, False
            result.entry_lines.append([])
        if not inside or (closed and not tag):
            continue  # headers, trailers and what follows the closing balance
        if tag:
            closed = closed or tag in _CLOSING_TAGS
            skipping = tag == "86" and closed
            last_tag = tag
            if tag == "61":
                result.entry_lines[-1].append(number)
        if skipping:
            continue
        if not tag and last_tag in _ONE_LINE_TAGS and out:
            out[-1] += line.strip()  # a wrapped one-line tag
            continue
        if not tag and last_tag == "61" and not _TAG.match(out[-1]):
            out[-1] += " " + line.strip()  # :61: has one line of supplementary details
            continue
        out.append(line)
    result.text = "\n".join(out) + "\n"
    return result


_INTRADAY_MESSAGE = (
    "this is an MT942 intraday report: its entries are not final and the day's MT940 "
    "statement carries them again; import the MT940 statement")
