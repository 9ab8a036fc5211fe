"""Every table a page shows, downloadable: read back from the page as rendered (so a download
holds exactly the figures on screen, and a new table needs no code), as CSV (one table) or as
an XLSX workbook (every table, a sheet each, written by XlsxWriter). Amounts become numbers
again (Decimal from the page's text, never a float parse); text that a spreadsheet would run
as a formula is kept as text."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import xlsxwriter

AMOUNT = re.compile(r"^(?P<sign>[−-])?(?P<symbol>€|\$|£|¥|₹|[A-Z]{3} )?(?P<digits>\d[\d,]*(\.\d+)?)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    name: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class _TableReader(HTMLParser):
    """The tables inside <main>, each named after the headings above it, their own words
    without the figures beside them ("Ageing by bucket · EUR")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.headings: dict[str, str] = {}
        self._in_main = self._in_heading = self._in_head = False
        self._heading: list[str] = []
        self._inside_heading = 0  # elements open inside it: their text is not the name
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._table: Table | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._in_main = True
        elif tag in ("h2", "h3") and self._in_main:
            self._in_heading, self._heading, self._inside_heading = True, [], 0
        elif self._in_heading:
            self._inside_heading += 1
        elif tag == "table" and self._in_main:
            self._table = Table(self._name())
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("svg", "title") and self._cell is not None:
            self._cell.append("\0")  # a chart's labels are not the table's figures

    def handle_endtag(self, tag: str) -> None:
        if self._in_heading and tag not in ("h2", "h3"):
            self._inside_heading -= 1
        elif tag in ("h2", "h3") and self._in_heading:
            self._in_heading = False
            self.headings[tag] = " ".join("".join(self._heading).split())
            if tag == "h2":
                self.headings.pop("h3", None)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = "".join(self._cell).split("\0")[0]
            self._row.append(" ".join(text.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head:
                self._table.header = self._row  # the last header row names the columns
            else:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_heading and not self._inside_heading:
            self._heading.append(data)

    def _name(self) -> str:
        parts = [self.headings.get("h2", ""), self.headings.get("h3", "")]
        return " · ".join(p for p in parts if p) or f"Table {len(self.tables) + 1}"


def tables_in(html: str) -> list[Table]:
    reader = _TableReader()
    reader.feed(html)
    reader.close()
    return reader.tables


def amount_of(text: str) -> Decimal | None:
    """`€1,234.50` → 1234.50, `−SEK 12.00` → -12.00; None for anything else."""
    found = AMOUNT.match(text.strip())
    if found is None:
        return None
    value = Decimal(found["digits"].replace(",", ""))
    return -value if found["sign"] else value


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) and amount_of(text) is None else text


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads € and accents right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow([str(a) if (a := amount_of(c)) is not None else _safe(c) for c in row])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(tables: list[Table], title: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": title, "author": "ledgerline"})
    bold, money = book.add_format({"bold": True}), book.add_format({"num_format": "#,##0.00"})
    names: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.name, names))
        sheet.write_row(0, 0, table.header, bold)
        for r, row in enumerate(table.rows, start=1):
            for c, text in enumerate(row):
                amount = amount_of(text)
                if amount is None:
                    sheet.write_string(r, c, text)
                else:
                    sheet.write_number(r, c, amount, money)
        sheet.set_column(0, max(len(table.header), 1) - 1, 18)
    book.close()
    return out.getvalue()


def _sheet_name(name: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:28] or "Table"
    chosen, n = base, 2
    while chosen.lower() in taken:
        chosen, n = f"{base[:25]} ({n})", n + 1
    taken.add(chosen.lower())
    return chosen
