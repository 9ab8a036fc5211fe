"""Tables read back from a rendered page: named by their headings, amounts as numbers again,
text a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from ledgerline_dashboard.tables import amount_of, as_csv, as_xlsx, tables_in

PAGE = """<main><section><h2>Ageing by bucket <span class="muted">today</span></h2>
<article><h3>EUR <span class="figure">€1,550.00</span></h3>
<svg><title>Today · €1,234.50</title><text>€1.2k</text></svg>
<table><thead><tr><th>Bucket</th><th>Today</th></tr></thead>
<tbody><tr><td>Current</td><td>€1,234.50</td></tr><tr><td>=HYPERLINK("x")</td><td>−€315.50</td></tr></tbody>
<tfoot><tr><th>Total</th><th>€919.00</th></tr></tfoot></table></article></section></main>"""


def test_a_table_is_named_after_its_headings_and_keeps_its_rows() -> None:
    [table] = tables_in(PAGE)
    assert table.name == "Ageing by bucket · EUR"
    assert table.header == ["Bucket", "Today"]
    assert table.rows[-1] == ["Total", "€919.00"]


def test_amounts_are_read_back_exactly_and_other_text_is_not_an_amount() -> None:
    assert amount_of("€1,234.50") == Decimal("1234.50")
    assert amount_of("−SEK 12.00") == Decimal("-12.00")
    assert [amount_of(t) for t in ("12.3 days", "85%", "2026-03-02", "")] == [None] * 4


def test_csv_keeps_a_formula_as_text_and_the_xlsx_opens_with_numbers() -> None:
    [table] = tables_in(PAGE)
    text = as_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "1234.50" in text and "-315.50" in text
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx([table, table], "t")))
    assert book.sheetnames == ["Ageing by bucket · EUR", "Ageing by bucket · EUR (2)"]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[2] == ('=HYPERLINK("x")', -315.5) and book.worksheets[0]["A3"].data_type == "s"
