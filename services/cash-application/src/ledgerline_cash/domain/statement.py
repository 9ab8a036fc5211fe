"""A bank statement as cash application sees it: the credit lines that are incoming payments.

Parsers for the bank formats live in `adapters/statements/`; they all produce these lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledgerline_events.contract import Money


class MalformedStatement(ValueError):
    """A statement file we cannot trust; nothing from it is imported.

    `location` names the line or XML element at fault so the bank file can be corrected.
    """

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}")
        self.location = location
        self.problem = problem


@dataclass(frozen=True)
class StatementLine:
    """One incoming payment on a bank statement.

    Its identity is (`statement_ref`, `entry_ref`): importing the same statement again must not
    record the payment twice.
    """

    statement_ref: str
    entry_ref: str
    booking_date: date
    value_date: date
    amount: Money
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""

    @property
    def identity(self) -> str:
        """The idempotency key of the payment this line records."""
        return f"statement:{self.statement_ref}:{self.entry_ref}"
