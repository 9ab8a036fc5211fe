"""SWIFT MT940 reader, on the maintained `mt-940` package.

Statement identity is `:20:` plus the `:28C:` statement number; entry identity is the bank
reference of the `:61:` line (after `//`), else the customer reference unless NONREF, else the
entry's position. Only credits (`C`) are payments; debits and reversals (`RC`/`RD`) are skipped.
The `:86:` text is the remittance; the payer is read from German `?`-coded details (`?32`
name, `?31` IBAN) or SWIFT-style `/NAME/` and `/IBAN/` codes when the bank sends them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import mt940

from ledgerline_events.contract import Money

from ...domain.statement import MalformedStatement, StatementLine

_SLASH_CODE = r"/{code}/([^/]+)"


def parse_mt940(raw: bytes) -> list[StatementLine]:
    """Every credit line of every statement in the file, or MalformedStatement."""
    text = _decode(raw)
    if ":20:" not in text or (":61:" not in text and ":60F:" not in text):
        raise MalformedStatement("line 1", "not an MT940 statement (no :20: and :60F:/:61: tags)")
    try:
        statements = mt940.parse_statements(
            text,
            processors={
                "post_transaction_details": [
                    mt940.processors.transaction_details_post_processor_with_space
                ]
            },
            options=mt940.Options(applicant_iban=True),
        )
    except (RuntimeError, ValueError, KeyError) as exc:
        raise MalformedStatement(_locate(text, exc), f"cannot parse: {exc.args[0]}") from exc
    lines: list[StatementLine] = []
    for transactions in statements:
        lines += _credit_lines(transactions)
    return lines


def _credit_lines(transactions: Any) -> list[StatementLine]:
    head = transactions.data
    reference = str(head.get("transaction_reference") or "").strip()
    if not reference:
        raise MalformedStatement(":20:", "missing statement reference")
    number = str(head.get("statement_number") or "").strip()
    statement_ref = f"{reference}/{number}" if number else reference
    seen: set[str] = set()
    lines: list[StatementLine] = []
    for position, transaction in enumerate(transactions, start=1):
        data = transaction.data
        entry_ref = _entry_ref(data, position)
        if entry_ref in seen:
            entry_ref = f"{entry_ref}#{position}"
        seen.add(entry_ref)
        if data.get("status") != "C":
            continue
        lines.append(_line(statement_ref, entry_ref, data, position))
    return lines


def _line(statement_ref: str, entry_ref: str, data: dict[str, Any], position: int) -> StatementLine:
    amount = data["amount"]
    currency = amount.currency or data.get("currency")
    try:
        money = Money.of(amount.amount, str(currency))
    except ValueError as exc:
        raise MalformedStatement(f":61: entry {position}", f"invalid currency: {exc}") from exc
    details = str(data.get("transaction_details") or data.get("purpose") or "").strip()
    value_date = _plain_date(data["date"])
    booking = data.get("entry_date") or data.get("date")
    return StatementLine(
        statement_ref=statement_ref,
        entry_ref=entry_ref,
        booking_date=_plain_date(booking),
        value_date=value_date,
        amount=money,
        payer_name=str(data.get("applicant_name") or _slash_code(details, "NAME")).strip(),
        payer_account=str(data.get("applicant_iban") or _slash_code(details, "IBAN")).strip(),
        remittance=_slash_code(details, "REMI") or details,
    )


def _entry_ref(data: dict[str, Any], position: int) -> str:
    bank = str(data.get("bank_reference") or "").strip()
    customer = str(data.get("customer_reference") or "").strip()
    if bank:
        return bank
    if customer and customer.upper() != "NONREF":
        return customer
    return f"entry-{position}"


def _slash_code(details: str, code: str) -> str:
    found = re.search(_SLASH_CODE.format(code=code), details)
    return found.group(1).strip() if found else ""


def _plain_date(value: Any) -> date:
    return date(value.year, value.month, value.day)


def _locate(text: str, exc: Exception) -> str:
    # mt-940 reports the offending tag value, not its line: find it in the file.
    value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else ""
    if value:
        first = value.splitlines()[0] if value.strip() else value
        for number, line in enumerate(text.splitlines(), start=1):
            if first and first in line:
                return f"line {number}"
    return "file"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
