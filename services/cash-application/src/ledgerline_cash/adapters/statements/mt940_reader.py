"""SWIFT MT940 reader, on the maintained `mt-940` package.

`mt940_dialects` undoes what banks wrap around the statements first, `mt-940` reads the tags
(with a `:61:` pattern that accepts the longer references ASN, SNS and German banks write),
`mt940_details` reads who paid from `:86:`. Only credits (`C`) are payments; debits and
reversals (`RC`/`RD`) are skipped.

Identity: the account of `:25:`, the statement (`:20:`, `:28C:` number and the closing
balance's date) and the entry's bank reference (after `//`), else its customer reference
unless that is NONREF or the counterparty's account (ASN, SNS, Rabobank write the account
there); without either, the entry's content names it (statement_identity).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

import mt940

from ...domain.statement import MalformedStatement, StatementLine, credited_amount
from ...domain.statement_identity import (
    best_reference,
    payer_account,
    receiving_account,
    statement_ref,
)
from .mt940_details import read_details
from .mt940_dialects import normalise

# An IBAN, or a domestic account number (Dutch, German, Swiss: up to 14 digits with dots).
_ACCOUNT_LIKE = re.compile(r"(?:[A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d[\d.]{6,13})")
# PostFinance writes its own 32-digit transaction reference as supplementary details.
_LONG_REFERENCE = re.compile(r"\d{16,34}")


class _LongReferenceStatement(mt940.tags.Statement):
    """`:61:` whose customer reference may hold 34 characters (an IBAN, a timestamp)."""

    pattern: ClassVar[str] = mt940.tags.Statement.pattern.replace(
        r"(?P<customer_reference>((?!//)[^\n]){0,16})",
        r"(?P<customer_reference>((?!//)[^\n]){0,34})",
    )


def parse_mt940(raw: bytes) -> list[StatementLine]:
    """Every credit line of every statement in the file, or MalformedStatement."""
    return read_mt940(raw, intraday=False)


def read_mt940(raw: bytes, *, intraday: bool) -> list[StatementLine]:
    """As `parse_mt940`; with `intraday`, MT942 reports are read too (previews, tests)."""
    original = _decode(raw)
    if ":20:" not in original or (":61:" not in original and ":60F:" not in original):
        raise MalformedStatement("line 1", "not an MT940 statement (no :20: and :60F:/:61: tags)")
    normalised = normalise(original, intraday=intraday)
    try:
        statements = mt940.parse_statements(
            normalised.text, tags={61: _LongReferenceStatement()},
            processors={"post_transaction_details": []},  # raw :86:, read by mt940_details
            options=mt940.Options(unbounded_details=True, case_insensitive_marks=True),
        )
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise _unreadable(original, exc) from None
    lines: list[StatementLine] = []
    for transactions, positions in zip(statements, normalised.entry_lines, strict=False):
        lines += _credit_lines(transactions, positions)
    return lines


def _credit_lines(transactions: Any, positions: list[int]) -> list[StatementLine]:
    head = transactions.data
    where = f"line {positions[0]}" if positions else "file"
    reference = str(head.get("transaction_reference") or "").strip()
    if not reference:
        raise MalformedStatement(where, "a statement without its :20: reference")
    account = receiving_account(str(head.get("account_identification") or ""))
    number = "/".join(str(head[k]).strip() for k in ("statement_number", "sequence_number")
                      if head.get(k))
    ref = statement_ref(account, reference, number, _statement_day(transactions))
    lines: list[StatementLine] = []
    for index, transaction in enumerate(transactions):
        data = transaction.data
        if data.get("status", "").upper() != "C" or data["amount"].amount == 0:
            continue  # debits, reversals, and zero "credits" (nothing received)
        at = f"line {positions[index]}" if index < len(positions) else where
        lines.append(_line(ref, account, transaction.data, at))
    return lines


def _line(ref: str, account: str, data: dict[str, Any], where: str) -> StatementLine:
    currency = str(data["amount"].currency or data.get("currency") or "")
    try:
        money = credited_amount(format(abs(data["amount"].amount), "f"), currency)
    except ValueError as exc:
        raise MalformedStatement(where, str(exc)) from None
    details = read_details(str(data.get("transaction_details") or ""))
    customer = str(data.get("customer_reference") or "").strip()
    extra = str(data.get("extra_details") or "").strip()
    accounts = [a for a in (customer, extra) if _account_like(a)]
    value_date = _plain_date(data["date"])
    return StatementLine(
        statement_ref=ref,
        entry_ref=best_reference([str(data.get("bank_reference") or ""),
                                  extra if _LONG_REFERENCE.fullmatch(extra) else "",
                                  "" if _account_like(customer) else customer]),
        booking_date=_plain_date(data.get("entry_date") or data["date"]),
        value_date=value_date,
        amount=money,
        payer_name=details.payer_name or _name_in(extra),
        payer_account=payer_account(details.payer_account or (accounts[0] if accounts else "")),
        remittance=details.remittance[:2000],
        account=account,
        location=where,
    )


def _statement_day(transactions: Any) -> date | None:
    """The day the statement closes (its closing balance), else its last entry's."""
    for key in ("final_closing_balance", "closing_balance", "intermediate_closing_balance"):
        balance = transactions.data.get(key)
        if balance is not None and getattr(balance, "date", None):
            return _plain_date(balance.date)
    dates = [t.data["date"] for t in transactions if t.data.get("date")]
    return _plain_date(max(dates)) if dates else None


def _name_in(extra: str) -> str:
    """Rabobank (old), ASN and SNS write the payer's name as supplementary details; others
    their codes (`/TRCD/00100/`), accounts or references there."""
    if extra.startswith("/") or _account_like(extra) or not re.search(r"[A-Za-z]{2}", extra):
        return ""
    return extra


def _account_like(text: str) -> bool:
    return bool(_ACCOUNT_LIKE.fullmatch(text.replace(" ", "")))


def _plain_date(value: Any) -> date:
    return date(value.year, value.month, value.day)


def _unreadable(text: str, exc: Exception) -> MalformedStatement:
    """mt-940 names the tag object and its value; say which tag, where, and what it held."""
    tag = exc.args[1] if len(exc.args) > 1 else None
    value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else ""
    tag_id = getattr(tag, "id", None)
    tag_name = f":{tag_id}:" if tag_id is not None else "a tag"
    first = value.strip().splitlines()[0] if value.strip() else ""
    for number, line in enumerate(text.splitlines(), start=1):
        if first and first in line:
            return MalformedStatement(f"line {number}", f"cannot read {tag_name} '{first}'")
    return MalformedStatement("file", f"cannot read {tag_name}"
                              + (f" '{first}'" if first else ""))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
