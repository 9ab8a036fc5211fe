"""A bank statement as cash application sees it: the credit lines that are incoming payments.

Parsers for the bank formats live in `adapters/statements/`; they all produce these lines, and
`statement_identity.identify_entries` gives each the identity its bank guarantees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ledgerline_events.contract import Money
from ledgerline_events.contract.money import MINOR_UNITS
from ledgerline_events.contract.refusals import InvalidRequest

_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,15})?")


class MalformedStatement(InvalidRequest, ValueError):
    """A statement file we cannot trust; nothing from it is imported (HTTP 422, field `file`).

    `location` names the line or XML element at fault so the bank file can be corrected.
    """

    rule_code = "malformed_statement"

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(self.rule_code, problem, "file")
        self.location = location
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}"


class IntradayReport(MalformedStatement):
    """An intraday report (camt.052, MT942): its entries are not final and the day's statement
    carries them again, so importing both would count each transfer twice. Refused whole."""

    rule_code = "intraday_report"


@dataclass(frozen=True)
class StatementLine:
    """One incoming payment on a bank statement.

    Its identity is (`statement_ref`, `entry_ref`): `statement_ref` names the receiving account
    and the statement (see `statement_identity.statement_ref`), `entry_ref` the entry within it.
    Importing the same statement again must not record the payment twice. `location` points at
    the entry in the file (for messages only) and `account` is the receiving account.
    """

    statement_ref: str
    entry_ref: str
    booking_date: date
    value_date: date
    amount: Money
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""
    account: str = ""
    location: str = ""

    @property
    def identity(self) -> str:
        """The idempotency key of the payment this line records."""
        return f"statement:{self.statement_ref}:{self.entry_ref}"

    def within_payment_limits(self) -> StatementLine:
        """The line as a payment can carry it (PaymentReceived's field limits): a name cut at
        200 characters, text at 2000, and an "account" longer than any account dropped."""
        return replace(self, payer_name=self.payer_name[:200], remittance=self.remittance[:2000],
                       payer_account=self.payer_account if len(self.payer_account) <= 34 else "")


def credited_amount(text: str, currency: str) -> Money:
    """The amount of a credit entry as the bank wrote it (decimal point), exactly.

    Refuses what an account cannot hold: more decimals than the currency has (8.85012 EUR),
    zero, signs or exponents, unknown currencies. Raises ValueError with a sentence for people.
    """
    written = text.strip()
    if currency not in MINOR_UNITS:
        raise ValueError(f"unknown currency '{currency}'")
    if not _AMOUNT.fullmatch(written) or Decimal(written) == 0:
        raise ValueError(f"'{written}' is not a positive amount")
    places = MINOR_UNITS[currency]
    value = Decimal(written)
    exact = value.quantize(Decimal(1).scaleb(-places))
    if exact != value:
        raise ValueError(f"{written} {currency} has more decimals than {currency} allows ({places})")
    return Money.of(exact, currency)
