"""ISO 20022 bank-to-customer cash management reader: camt.053 statements and camt.054
debit/credit notifications, any version (001.02 to 001.13; they differ in namespace and in
a few element names for what we read). camt.052 intraday reports are refused (IntradayReport).

Each `Stmt` / `Ntfctn` names its account and itself; `camt_entry.entry_lines` turns each
booked credit `Ntry` into payments. XML is parsed with defusedxml (no entity bombs), as a stream.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

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
    """As `parse_camt`; with `intraday`, camt.052 reports are read too (previews, tests).

    The file is read as a stream: each `Ntry` is turned into lines as soon as it ends and
    then dropped, so a bulk statement of 50,000 entries never stands as one tree."""
    reader = _Reader(intraday)
    try:
        for event, element in iterparse(BytesIO(raw), events=("start", "end")):
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
    except ParseError as exc:
        row, column = exc.position
        raise MalformedStatement(f"line {row}, column {column}",
                                 f"not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise MalformedStatement("document", f"forbidden XML construct: {exc}") from exc
    return reader.finish()


class _Reader:
    """Document / message / report (Stmt, Ntfctn, Rpt) / Ntry, followed as the parser goes."""

    def __init__(self, intraday: bool) -> None:
        self.intraday = intraday
        self.path: list[str] = []
        self.root_tag = ""
        self.message = ""
        self.element = ""
        self.reports = 0
        self.report: Element | None = None
        self.header: tuple[str, str] | None = None
        self.entries = 0
        self.lines: list[StatementLine] = []

    def start(self, element: Element) -> None:
        # The versions differ in namespace only for what we read.
        if "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
        self.path.append(element.tag)
        depth = len(self.path)
        if depth == 1:
            self.root_tag = element.tag
        elif depth == 2 and not self.message:
            self._message(element.tag)
        elif depth == 3 and self.path[1] == self.message and element.tag == self.element:
            self.reports += 1
            self.report, self.header, self.entries = element, None, 0

    def end(self, element: Element) -> None:
        depth = len(self.path)
        self.path.pop()
        if self.report is None:
            return
        if depth == 4 and element.tag == "Ntry":
            self.entries += 1
            ref, account = self._header()
            self.lines += entry_lines(element, ref, account, f"{self._where}/Ntry[{self.entries}]")
            self.report.remove(element)
        elif element is self.report:
            self._header()  # a statement without entries still names itself and its account
            self.report = None

    def finish(self) -> list[StatementLine]:
        if self.root_tag != "Document" or not self.reports:
            raise MalformedStatement(
                self.root_tag, "expected a camt.053 statement (Document/BkToCstmrStmt/Stmt) or a "
                               "camt.054 notification (Document/BkToCstmrDbtCdtNtfctn/Ntfctn)")
        return self.lines

    def _message(self, tag: str) -> None:
        self.message = tag
        if tag == _INTRADAY and not self.intraday:
            raise IntradayReport(
                f"Document/{tag}",
                "camt.052 is an intraday account report: its entries are not final and the "
                "day's camt.053 statement carries them again; import the camt.053 statement")
        self.element = _REPORTS.get(tag) or ("Rpt" if tag == _INTRADAY else "")

    @property
    def _where(self) -> str:
        return f"{self.element}[{self.reports}]"

    def _header(self) -> tuple[str, str]:
        """The statement's reference and account, from the elements before its entries."""
        if self.header is None:
            assert self.report is not None
            self.header = _report_header(self.report, self._where)
        return self.header


def _report_header(report: Element, where: str) -> tuple[str, str]:
    identity = text(report, "Id")
    if not identity:
        raise MalformedStatement(f"{where}/Id", "missing: a statement must name itself")
    account_text = text(report, "Acct/Id/IBAN") or text(report, "Acct/Id/Othr/Id")
    if not account_text:
        raise MalformedStatement(f"{where}/Acct", "missing: the account the statement is for")
    account = receiving_account(account_text)
    return statement_ref(account, identity, text(report, "ElctrncSeqNb"),
                         _covered_day(report)), account


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
