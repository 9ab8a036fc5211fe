"""Bank statement readers: each turns one file into statement lines, or refuses it whole."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from ...domain.statement import IntradayReport, MalformedStatement, StatementLine
from ...domain.statement_identity import identify_entries
from .camt import parse_camt
from .csv_profiles import LEDGERLINE, SHIPPED, CsvProfile
from .csv_reader import parse_csv
from .mt940_reader import parse_mt940


class StatementFormat(StrEnum):
    CAMT053 = "camt053"
    CAMT054 = "camt054"
    CAMT052 = "camt052"
    MT940 = "mt940"
    MT942 = "mt942"
    CSV = "csv"


READERS: dict[StatementFormat, Callable[[bytes], list[StatementLine]]] = {
    # One ISO 20022 reader: it tells camt.053, .054 and .052 (refused) apart by their root.
    StatementFormat.CAMT053: parse_camt,
    StatementFormat.CAMT054: parse_camt,
    StatementFormat.CAMT052: parse_camt,
    StatementFormat.MT940: parse_mt940,
    StatementFormat.MT942: parse_mt940,  # refused as intraday by the MT940 reader
    StatementFormat.CSV: parse_csv,  # with the LEDGERLINE profile; read_statement takes others
}


def read_statement(
    fmt: StatementFormat, raw: bytes, csv_profile: CsvProfile | None = None
) -> list[StatementLine]:
    """All incoming payments of the file, each with its identity; MalformedStatement (or
    IntradayReport) means nothing is imported."""
    lines = (parse_csv(raw, csv_profile or LEDGERLINE) if fmt is StatementFormat.CSV
             else READERS[fmt](raw))
    return identify_entries([line.within_payment_limits() for line in lines])


__all__ = ["SHIPPED", "CsvProfile", "IntradayReport", "MalformedStatement", "StatementFormat",
           "StatementLine", "read_statement"]
