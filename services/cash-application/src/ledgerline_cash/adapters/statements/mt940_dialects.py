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
    text: str = ""
    entry_lines: list[list[int]] = field(default_factory=list)  # per statement, per :61:


def normalise(original: str, *, intraday: bool = False) -> Normalised:
    """The statements of `original` as plain MT940; IntradayReport for MT942 (unless
    `intraday`: tests and previews read MT942 too)."""
    if not intraday and re.search(r"\{2:[IO]942", original):
        raise IntradayReport("line 1", _INTRADAY_MESSAGE)
    cleaner = _Cleaner(intraday)
    for number, raw_line in enumerate(original.splitlines(), start=1):
        cleaner.feed(number, _ENVELOPE.sub("", raw_line).rstrip())
    return Normalised("\n".join(cleaner.out) + "\n", cleaner.entry_lines)


@dataclass
class _Cleaner:
    """Line by line: where we are in a statement decides what a line is."""

    intraday: bool
    out: list[str] = field(default_factory=list)
    entry_lines: list[list[int]] = field(default_factory=list)
    inside: bool = False  # after a :20:
    closed: bool = False  # after the closing balance
    last_tag: str = ""

    def feed(self, number: int, line: str) -> None:
        found = _TAG.match(line)
        tag = found.group("tag") if found else ""
        if tag in _INTRADAY_TAGS and not self.intraday:
            raise IntradayReport(f"line {number}", _INTRADAY_MESSAGE)
        if tag == "20":
            self.inside, self.closed = True, False
            self.entry_lines.append([])
        if not self.inside or (self.closed and not tag):
            return  # headers, trailers and what follows the closing balance
        if tag:
            self._tag(tag, number, line)
        elif self.last_tag in _ONE_LINE_TAGS:
            self.out[-1] += line.strip()  # a wrapped one-line tag
        elif self.last_tag == "61" and not _TAG.match(self.out[-1]):
            self.out[-1] += " " + line.strip()  # :61: has one line of supplementary details
        else:
            self.out.append(line)

    def _tag(self, tag: str, number: int, line: str) -> None:
        self.closed = self.closed or tag in _CLOSING_TAGS
        self.last_tag = tag
        if tag == "61":
            self.entry_lines[-1].append(number)
        if not (tag == "86" and self.closed):  # statement-level information: dropped
            self.out.append(line)


_INTRADAY_MESSAGE = (
    "this is an MT942 intraday report: its entries are not final and the day's MT940 "
    "statement carries them again; import the MT940 statement")
