"""ISO 20022 bank-to-customer cash management reader: camt.053 statements and camt.054
debit/credit notifications, any version (001.02 to 001.13; they differ in namespace and in
a few element names for what we read). camt.052 intraday reports are refused (IntradayReport).

Each `Stmt` / `Ntfctn` names its account and itself; `camt_entry.entry_lines` turns each
booked credit `Ntry` into payments. XML is parsed with defusedxml (no entity bombs).
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from ...domain.statement import IntradayReport, MalformedStatement, StatementLine
from ...domain.statement_identity import receiving_account, statement_ref
from .camt_entry import entry_lines, text

# Message → the element of each report in it.
_REPORTS = {"BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}
_INTRADAY = "BkToCstmrAcctRpt"


def parse_camt(raw: bytes) -> list[StatementLine]:
    """Every booked credit of every statement or notification in the file."""
    return read_camt(raw, intraday=False)


def read_camt(raw: bytes, *, intraday: bool) -> list[StatementLine]:
    """As `parse_camt`; with `intraday`, camt.052 reports are read too (previews, tests)."""
    root = _document(raw)
    message = root[0].tag if len(root) else ""
    if message == _INTRADAY and not intraday:
        raise IntradayReport(
            f"Document/{message}",
            "camt.052 is an intraday account report: its entries are not final and the "
            "day's camt.053 statement carries them again; import the camt.053 statement")
    element = _REPORTS.get(message) or ("Rpt" if message == _INTRADAY else "")
    reports = root.findall(f"./{message}/{element}") if element else []
    if root.tag != "Document" or not reports:
        raise MalformedStatement(
            root.tag, "expected a camt.053 statement (Document/BkToCstmrStmt/Stmt) or a "
                      "camt.054 notification (Document/BkToCstmrDbtCdtNtfctn/Ntfctn)")
    lines: list[StatementLine] = []
    for index, report in enumerate(reports, start=1):
        lines += _report_lines(report, f"{element}[{index}]")
    return lines


def _report_lines(report: Element, where: str) -> list[StatementLine]:
    identity = text(report, "Id")
    if not identity:
        raise MalformedStatement(f"{where}/Id", "missing: a statement must name itself")
    account_text = text(report, "Acct/Id/IBAN") or text(report, "Acct/Id/Othr/Id")
    if not account_text:
        raise MalformedStatement(f"{where}/Acct", "missing: the account the statement is for")
    account = receiving_account(account_text)
    ref = statement_ref(account, identity, text(report, "ElctrncSeqNb"), _covered_day(report))
    lines: list[StatementLine] = []
    for index, entry in enumerate(report.findall("Ntry"), start=1):
        lines += entry_lines(entry, ref, account, f"{where}/Ntry[{index}]")
    return lines


def _covered_day(report: Element) -> date | None:
    """The day the report covers: its period's end, else its closing balance's date, else
    when it was made (a regenerated file keeps the first two)."""
    closing = next((b for b in report.findall("Bal")
                    if text(b, "Tp/CdOrPrtry/Cd") in ("CLBD", "CLAV")), None)
    for candidate in (text(report, "FrToDt/ToDtTm")[:10],
                      text(closing, "Dt/Dt") if closing is not None else "",
                      text(report, "CreDtTm")[:10]):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def _document(raw: bytes) -> Element:
    try:
        root: Element = fromstring(raw)
    except ParseError as exc:
        row, column = exc.position
        raise MalformedStatement(f"line {row}, column {column}",
                                 f"not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise MalformedStatement("document", f"forbidden XML construct: {exc}") from exc
    # The versions differ in namespace only for what we read.
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root
