"""One camt `Ntry` as payments.

Only booked credits are payments: debits, pending/informational entries and reversals
(`RvslInd` true: a debit coming back, not a customer paying) are skipped. A batch entry whose
transaction details each carry an amount adding up to the entry's is one payment per
transaction (camt.054 batch booking details, collective credits): each has its own payer and
reference. Otherwise the entry is one payment with the texts of its details joined.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from ledgerline_events.contract import Money

from ...domain.statement import MalformedStatement, StatementLine, credited_amount
from ...domain.statement_identity import best_reference, payer_account

_NOT_BOOKED = {"PDNG", "INFO", "FUTR"}
_ENTRY_REFS = ("NtryRef", "AcctSvcrRef")
# The bank's own reference first: the payer's (EndToEndId) may be reused or NOTPROVIDED.
_TX_REFS = ("Refs/AcctSvcrRef", "Refs/TxId", "Refs/EndToEndId", "Refs/InstrId",
            "Refs/Prtry/Ref")
_PAYER = ("RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm", "RltdPties/UltmtDbtr/Nm",
          "RltdPties/UltmtDbtr/Pty/Nm")
_PAYER_ACCOUNT = ("RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id")


def entry_lines(entry: Element, ref: str, account: str, where: str) -> list[StatementLine]:
    """The payments of one entry: none, one, or one per transaction of a batch."""
    indicator = text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        shown = f"'{indicator}'" if indicator else "nothing"
        raise MalformedStatement(f"{where}/CdtDbtInd", f"expected CRDT or DBIT, got {shown}")
    status = text(entry, "Sts/Cd") or text(entry, "Sts")
    if indicator == "DBIT" or status in _NOT_BOOKED or text(entry, "RvslInd") == "true" \
            or _is_zero(text(entry, "Amt")):
        return []
    amount = _amount(entry, f"{where}/Amt")
    booked = _date(entry, "BookgDt", where) or _date(entry, "ValDt", where)
    if booked is None:
        raise MalformedStatement(f"{where}/BookgDt", "missing: an entry needs its booking date")
    valued = _date(entry, "ValDt", where) or booked
    details = entry.findall("NtryDtls/TxDtls")
    entry_ref = best_reference(text(entry, path) for path in _ENTRY_REFS)
    base = StatementLine(ref, entry_ref, booked, valued, amount, account=account,
                         location=where)
    split = _batch_amounts(details, amount, where)
    if split is None:
        return [_with_details(base, details, entry)]
    return [
        _with_details(
            StatementLine(ref, _transaction_ref(entry_ref, tx, index), booked, valued, tx_amount,
                          account=account, location=f"{where}/NtryDtls/TxDtls[{index}]"),
            [tx], entry)
        for index, (tx, tx_amount) in enumerate(zip(details, split, strict=True), start=1)
    ]


def _with_details(line: StatementLine, details: list[Element], entry: Element) -> StatementLine:
    own_ref = best_reference(text(details[0], p) for p in _TX_REFS) if len(details) == 1 else ""
    remittance = _remittance(details) or text(entry, "AddtlNtryInf")
    return StatementLine(
        line.statement_ref, line.entry_ref or own_ref, line.booking_date, line.value_date,
        line.amount, payer_name=_first(details, _PAYER),
        payer_account=payer_account(_first(details, _PAYER_ACCOUNT)),
        remittance=" ".join(remittance.split())[:2000], account=line.account,
        location=line.location,
    )


def _batch_amounts(details: list[Element], total: Money, where: str) -> list[Money] | None:
    """Each transaction's own credited amount, when a batch entry gives them all in its
    currency and they add up to the entry; else None (the entry stays one payment)."""
    if len(details) < 2:
        return None
    amounts: list[Money] = []
    for index, tx in enumerate(details, start=1):
        element = tx.find("Amt")
        if element is None:
            element = tx.find("AmtDtls/TxAmt/Amt")
        if element is None or element.get("Ccy") != total.currency or \
                text(tx, "CdtDbtInd") == "DBIT":
            return None
        amounts.append(_money(element, f"{where}/NtryDtls/TxDtls[{index}]/Amt"))
    added = sum((a.amount for a in amounts), Decimal(0))
    return amounts if added == total.amount else None


def _is_zero(written: str) -> bool:
    try:
        return Decimal(written) == 0
    except ArithmeticError:
        return False  # not a number: _amount says so with the location


def _transaction_ref(entry_ref: str, tx: Element, index: int) -> str:
    own = best_reference(text(tx, path) for path in _TX_REFS)
    if entry_ref:
        return f"{entry_ref}/{own or f'tx-{index}'}"
    return own


def _amount(entry: Element, where: str) -> Money:
    element = entry.find("Amt")
    if element is None:
        raise MalformedStatement(where, "missing amount")
    return _money(element, where)


def _money(element: Element, where: str) -> Money:
    try:
        return credited_amount(element.text or "", element.get("Ccy", ""))
    except ValueError as exc:
        raise MalformedStatement(where, str(exc)) from None


def _date(entry: Element, tag: str, where: str) -> date | None:
    if entry.find(tag) is None:
        return None
    written = text(entry, f"{tag}/Dt") or text(entry, f"{tag}/DtTm")[:10]
    try:
        return date.fromisoformat(written)
    except ValueError:
        shown = f"'{written}'" if written else "nothing"
        raise MalformedStatement(f"{where}/{tag}", f"expected Dt or DtTm, got {shown}") from None


def _remittance(details: list[Element]) -> str:
    paths = ("RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Strd/RfrdDocInf/Nb",
             "RmtInf/Strd/AddtlRmtInf", "AddtlTxInf")
    parts = [(found.text or "").strip()
             for tx in details for path in paths for found in tx.findall(path)]
    return " ".join(p for p in parts if p)


def _first(details: list[Element], paths: tuple[str, ...]) -> str:
    for tx in details:
        for path in paths:
            if value := text(tx, path):
                return value
    return ""


def text(element: Element | None, path: str) -> str:
    """The stripped text at `path`, or "" when absent."""
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""
