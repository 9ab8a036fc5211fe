"""ISO 20022 CAMT.053 (bank-to-customer statement) reader, any camt.053.001.xx version.

Only booked credit entries (CdtDbtInd = CRDT) are payments; debits and pending entries are
skipped. One entry is one payment: a batch-booked entry with several transaction details
keeps its total amount and joins their remittance texts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from ledgerline_events.contract import Money

from ...domain.statement import MalformedStatement, StatementLine

_SKIPPED_STATUSES = {"PDNG", "INFO", "FUTR"}


def parse_camt053(raw: bytes) -> list[StatementLine]:
    """Every booked credit entry of every statement in the file, or MalformedStatement."""
    try:
        root = fromstring(raw)
    except ParseError as exc:
        row, column = exc.position
        where = f"line {row}, column {column}"
        raise MalformedStatement(where, f"not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        raise MalformedStatement("document", f"forbidden XML construct: {exc}") from exc
    _strip_namespaces(root)
    statements = root.findall("./BkToCstmrStmt/Stmt")
    if root.tag != "Document" or not statements:
        raise MalformedStatement(root.tag, "expected Document/BkToCstmrStmt/Stmt (camt.053)")
    lines: list[StatementLine] = []
    for s_index, stmt in enumerate(statements, start=1):
        where = f"Stmt[{s_index}]"
        statement_ref = _required_text(stmt, "Id", where)
        for n_index, entry in enumerate(stmt.findall("Ntry"), start=1):
            line = _entry(entry, statement_ref, f"{where}/Ntry[{n_index}]")
            if line is not None:
                lines.append(line)
    return lines


def _entry(entry: Element, statement_ref: str, where: str) -> StatementLine | None:
    indicator = _required_text(entry, "CdtDbtInd", where)
    if indicator not in ("CRDT", "DBIT"):
        raise MalformedStatement(f"{where}/CdtDbtInd", f"expected CRDT or DBIT, got {indicator!r}")
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if indicator == "DBIT" or status in _SKIPPED_STATUSES:
        return None
    entry_ref = _text(entry, "NtryRef") or _text(entry, "AcctSvcrRef")
    if not entry_ref:
        raise MalformedStatement(where, "an entry needs NtryRef or AcctSvcrRef for its identity")
    booking = _date(entry, "BookgDt", where)
    details = entry.findall("NtryDtls/TxDtls")
    return StatementLine(
        statement_ref=statement_ref,
        entry_ref=entry_ref,
        booking_date=booking,
        value_date=_date(entry, "ValDt", where) if entry.find("ValDt") is not None else booking,
        amount=_amount(entry, where),
        payer_name=_first(details, ("RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm")),
        payer_account=_first(details, ("RltdPties/DbtrAcct/Id/IBAN",
                                       "RltdPties/DbtrAcct/Id/Othr/Id")),
        remittance=_remittance(details),
    )


def _amount(entry: Element, where: str) -> Money:
    element = entry.find("Amt")
    if element is None or not (element.text or "").strip():
        raise MalformedStatement(f"{where}/Amt", "missing amount")
    currency = element.get("Ccy", "")
    try:
        value = Decimal(element.text.strip())  # type: ignore[union-attr]
        money = Money.of(value, currency)
    except (InvalidOperation, ValueError) as exc:
        raise MalformedStatement(f"{where}/Amt", f"invalid amount or currency: {exc}") from exc
    if value <= 0:
        raise MalformedStatement(f"{where}/Amt", "amount must be positive")
    return money


def _date(entry: Element, tag: str, where: str) -> date:
    text = _text(entry, f"{tag}/Dt") or _text(entry, f"{tag}/DtTm")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise MalformedStatement(f"{where}/{tag}", f"expected Dt or DtTm, got {text!r}") from exc


def _remittance(details: list[Element]) -> str:
    parts: list[str] = []
    for tx in details:
        parts += [(u.text or "").strip() for u in tx.findall("RmtInf/Ustrd")]
        parts += [(r.text or "").strip() for r in tx.findall("RmtInf/Strd/CdtrRefInf/Ref")]
        parts += [(r.text or "").strip() for r in tx.findall("RmtInf/Strd/RfrdDocInf/Nb")]
    return " ".join(p for p in parts if p)[:2000]


def _first(details: list[Element], paths: tuple[str, ...]) -> str:
    for tx in details:
        for path in paths:
            if value := _text(tx, path):
                return value
    return ""


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _required_text(element: Element, path: str, where: str) -> str:
    value = _text(element, path)
    if not value:
        raise MalformedStatement(f"{where}/{path}", "missing")
    return value


def _strip_namespaces(root: Element) -> None:
    # camt.053.001.02 and .08 differ only in namespace for what we read.
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
