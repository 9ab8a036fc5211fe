"""Bank statement readers: each turns one file into statement lines, or refuses it whole."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from ...domain.statement import MalformedStatement, StatementLine
from .camt053 import parse_camt053
from .csv_reader import parse_csv
from .mt940_reader import parse_mt940


class StatementFormat(StrEnum):
    CAMT053 = "camt053"
    MT940 = "mt940"
    CSV = "csv"


READERS: dict[StatementFormat, Callable[[bytes], list[StatementLine]]] = {
    StatementFormat.CAMT053: parse_camt053,
    StatementFormat.MT940: parse_mt940,
    StatementFormat.CSV: parse_csv,
}


def read_statement(fmt: StatementFormat, raw: bytes) -> list[StatementLine]:
    """All incoming payments of the file; MalformedStatement means nothing is imported."""
    lines = READERS[fmt](raw)
    identities = [line.identity for line in lines]
    if len(set(identities)) != len(identities):
        duplicate = next(i for i in identities if identities.count(i) > 1)
        raise MalformedStatement(duplicate, "the same entry reference appears twice")
    return lines


__all__ = ["MalformedStatement", "StatementFormat", "StatementLine", "read_statement"]
