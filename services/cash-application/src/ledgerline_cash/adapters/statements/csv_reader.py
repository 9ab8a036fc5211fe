"""The simple CSV statement: one incoming payment per row, with a header row.

Columns (header names, any order; extra columns ignored): statement_ref, entry_ref,
booking_date (YYYY-MM-DD), amount (decimal point, no thousands separator, positive),
currency (ISO 4217), payer_name, payer_account, remittance. Optional: value_date
(defaults to booking_date).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from ledgerline_events.contract import Money

from ...domain.statement import MalformedStatement, StatementLine

REQUIRED_COLUMNS = (
    "statement_ref", "entry_ref", "booking_date", "amount", "currency",
    "payer_name", "payer_account", "remittance",
)


def parse_csv(raw: bytes) -> list[StatementLine]:
    """Every row as a payment, or MalformedStatement naming the first bad row and column."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedStatement("file", "CSV statements must be UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MalformedStatement("line 1", f"missing columns: {', '.join(missing)}")
    lines = [_row(row, reader.line_num) for row in reader]
    if not lines:
        raise MalformedStatement("line 2", "no payment rows")
    return lines


def _row(row: dict[str, str | None], line_number: int) -> StatementLine:
    where = f"line {line_number}"
    cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
    for column in ("statement_ref", "entry_ref"):
        if not cells[column]:
            raise MalformedStatement(f"{where}, column {column}", "missing")
    booking = _date(cells["booking_date"], f"{where}, column booking_date")
    value = cells.get("value_date") or ""
    return StatementLine(
        statement_ref=cells["statement_ref"],
        entry_ref=cells["entry_ref"],
        booking_date=booking,
        value_date=_date(value, f"{where}, column value_date") if value else booking,
        amount=_money(cells["amount"], cells["currency"], where),
        payer_name=cells["payer_name"],
        payer_account=cells["payer_account"],
        remittance=cells["remittance"],
    )


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise MalformedStatement(where, f"expected a YYYY-MM-DD date, got {text!r}") from exc


def _money(amount: str, currency: str, where: str) -> Money:
    try:
        value = Decimal(amount)
    except InvalidOperation as exc:
        raise MalformedStatement(f"{where}, column amount", f"not a number: {amount!r}") from exc
    if not value.is_finite() or value <= 0:
        raise MalformedStatement(f"{where}, column amount", "must be a positive amount")
    try:
        return Money.of(value, currency)
    except ValueError as exc:
        raise MalformedStatement(f"{where}, column currency", f"unknown {currency!r}") from exc
