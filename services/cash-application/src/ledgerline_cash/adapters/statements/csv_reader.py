"""CSV statements, read through a profile (csv_profiles): one row, one booked transaction.

Credits are payments; debits (a negative amount, or the direction column not saying credit)
are skipped, except in our own layout, which lists payments only. Without a statement column
the booking date names the statement; without a reference column an entry is named by its
content (statement_identity).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from ...domain.statement import MalformedStatement, StatementLine, credited_amount
from ...domain.statement_identity import (
    best_reference,
    payer_account,
    receiving_account,
    statement_ref,
)
from .csv_profiles import LEDGERLINE, CsvProfile

_OPTIONAL = {"value_date", "account"}


def parse_csv(raw: bytes, profile: CsvProfile = LEDGERLINE) -> list[StatementLine]:
    """Every credit row as a payment, or MalformedStatement naming the first bad row and column."""
    reader = csv.DictReader(io.StringIO(_decode(raw, profile.encoding)),
                            delimiter=profile.delimiter)
    headers = set(reader.fieldnames or [])
    wanted = profile.columns.model_dump(exclude=_OPTIONAL)
    needed = [h for v in wanted.values() for h in (v if isinstance(v, tuple) else (v,)) if h]
    missing = [h for h in needed if h not in headers]
    if missing:
        raise MalformedStatement("line 1", f"missing columns: {', '.join(missing)}")
    lines: list[StatementLine] = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        line = _row(cells, profile, f"line {reader.line_num}")
        if line is not None:
            lines.append(line)
    if not lines and profile.credits_only:
        raise MalformedStatement("line 2", "no payment rows")
    return lines


def _row(cells: dict[str, str], profile: CsvProfile, where: str) -> StatementLine | None:
    columns = profile.columns

    def cell(name: str) -> str:
        return cells.get(name, "") if name else ""

    amount_text = _plain_number(cell(columns.amount), profile)
    debit = amount_text.startswith("-") or (
        bool(columns.direction) and cell(columns.direction) not in profile.credit_marks)
    if debit and not profile.credits_only:
        return None
    currency = cell(columns.currency).upper() or profile.currency
    try:
        money = credited_amount(amount_text.lstrip("+"), currency)
    except ValueError as exc:
        column = columns.currency if "currency" in str(exc) else columns.amount
        raise MalformedStatement(f"{where}, column {column}", str(exc)) from None
    booked = _date(cell(columns.booking_date), profile, f"{where}, column {columns.booking_date}")
    valued = cell(columns.value_date)
    account = receiving_account(cell(columns.account))
    statement = cell(columns.statement_ref) or booked.isoformat()
    if columns.entry_ref and not cell(columns.entry_ref) and profile.credits_only:
        raise MalformedStatement(f"{where}, column {columns.entry_ref}", "missing")
    return StatementLine(
        statement_ref=statement_ref(account, statement),
        entry_ref=best_reference([cell(columns.entry_ref)]),
        booking_date=booked,
        value_date=_date(valued, profile, f"{where}, column {columns.value_date}")
        if valued else booked,
        amount=money,
        payer_name=cell(columns.payer_name),
        payer_account=payer_account(cell(columns.payer_account)),
        remittance=" ".join(" ".join(cell(c) for c in columns.remittance).split())[:2000],
        account=account,
        location=where,
    )


def _plain_number(text: str, profile: CsvProfile) -> str:
    """`1.234,56` (a decimal comma profile) as `1234.56`."""
    number = text.replace(" ", "")
    if profile.thousands_separator:
        number = number.replace(profile.thousands_separator, "")
    return number.replace(",", ".") if profile.decimal_mark == "," else number


def _date(text: str, profile: CsvProfile, where: str) -> date:
    try:
        return datetime.strptime(text, profile.date_format).date()  # noqa: DTZ007 - a day
    except ValueError:
        shown = f"'{text}'" if text else "nothing"
        raise MalformedStatement(
            where, f"expected a date like {date(2026, 3, 5).strftime(profile.date_format)}, "
                   f"got {shown}") from None


def _decode(raw: bytes, encoding: str) -> str:
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise MalformedStatement(
                "file", f"not {encoding} text; choose a profile with the file's encoding"
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
