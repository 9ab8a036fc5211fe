"""Bank statements in: each format gives the same incoming payments; bad files import nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline_cash.adapters.statements import (
    MalformedStatement,
    StatementFormat,
    read_statement,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SAMPLES = {
    StatementFormat.CAMT053: "camt053_sample.xml",
    StatementFormat.MT940: "mt940_sample.sta",
    StatementFormat.CSV: "csv_sample.csv",
}


@pytest.mark.parametrize("fmt", list(StatementFormat))
def test_only_credit_entries_become_payments(fmt: StatementFormat) -> None:
    lines = read_statement(fmt, (FIXTURES / SAMPLES[fmt]).read_bytes())
    assert [line.amount.amount for line in lines] == [Decimal("1200.00"), Decimal("480.00")]
    assert {line.amount.currency for line in lines} == {"EUR"}
    first = lines[0]
    assert "INV-2026-0001" in first.remittance
    assert first.payer_account == "DE89370400440532013000"
    assert first.payer_name == "ACME Trading Ltd"
    assert len({line.identity for line in lines}) == 2


def test_camt053_reads_references_and_dates() -> None:
    lines = read_statement(StatementFormat.CAMT053, (FIXTURES / SAMPLES["camt053"]).read_bytes())
    assert lines[0].statement_ref == "STMT-2026-03-05"
    assert lines[0].entry_ref == "E-001"
    assert str(lines[0].value_date) == "2026-03-04"
    assert lines[1].entry_ref == "BANK-REF-003"  # no NtryRef: the bank's own reference


def test_mt940_statement_identity_includes_statement_number() -> None:
    lines = read_statement(StatementFormat.MT940, (FIXTURES / SAMPLES["mt940"]).read_bytes())
    assert lines[0].identity == "statement:STMT0305/42:BR-001"


def test_reading_the_same_file_twice_gives_the_same_identities() -> None:
    raw = (FIXTURES / SAMPLES["camt053"]).read_bytes()
    first = [line.identity for line in read_statement(StatementFormat.CAMT053, raw)]
    again = [line.identity for line in read_statement(StatementFormat.CAMT053, raw)]
    assert first == again


CAMT_ENTRY = """<Ntry><NtryRef>E1</NtryRef>{amt}<CdtDbtInd>{ind}</CdtDbtInd>
<BookgDt><Dt>{dt}</Dt></BookgDt></Ntry>"""


def camt(entry: str) -> bytes:
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<Stmt><Id>S1</Id>{entry}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


CSV_HEADER = "statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,remittance\n"


@pytest.mark.parametrize(
    ("fmt", "raw", "location"),
    [
        (StatementFormat.CAMT053, b"<Document><BkToCstmrStmt>", "line 1"),
        (StatementFormat.CAMT053, b"<Other/>", "Other"),
        (StatementFormat.CAMT053,
         camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">abc</Amt>', ind="CRDT", dt="2026-03-05")),
         "Stmt[1]/Ntry[1]/Amt"),
        (StatementFormat.CAMT053,
         camt(CAMT_ENTRY.format(amt='<Amt Ccy="XXX">10.00</Amt>', ind="CRDT", dt="2026-03-05")),
         "Stmt[1]/Ntry[1]/Amt"),
        (StatementFormat.CAMT053,
         camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">10.00</Amt>', ind="CRDX", dt="2026-03-05")),
         "Stmt[1]/Ntry[1]/CdtDbtInd"),
        (StatementFormat.CAMT053,
         camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">10.00</Amt>', ind="CRDT", dt="05.03.2026")),
         "Stmt[1]/Ntry[1]/BookgDt"),
        (StatementFormat.CAMT053, camt("<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>"),
         "Stmt[1]/Ntry[1]"),
        (StatementFormat.MT940, b":20:S\n:25:ACC\n:28C:1\n:60F:C260301EUR0,00\n:61:garbage\n",
         "line 5"),
        (StatementFormat.MT940, b"hello", "line 1"),
        (StatementFormat.CSV, b"a,b\n1,2\n", "line 1"),
        (StatementFormat.CSV, (CSV_HEADER + "S,1,2026-03-05,12.00,EUR,,,\n"
                               "S,2,2026-13-05,12.00,EUR,,,\n").encode(),
         "line 3, column booking_date"),
        (StatementFormat.CSV, (CSV_HEADER + "S,1,2026-03-05,-1,EUR,,,\n").encode(),
         "line 2, column amount"),
        (StatementFormat.CSV, (CSV_HEADER + "S,1,2026-03-05,1,ZZZ,,,\n").encode(),
         "line 2, column currency"),
        (StatementFormat.CSV, (CSV_HEADER + "S,1,2026-03-05,1,EUR,,,\n"
                               "S,1,2026-03-05,2,EUR,,,\n").encode(), "statement:S:1"),
    ],
)
def test_malformed_files_are_refused_naming_the_fault(
    fmt: StatementFormat, raw: bytes, location: str
) -> None:
    with pytest.raises(MalformedStatement) as caught:
        read_statement(fmt, raw)
    assert caught.value.location.startswith(location), str(caught.value)


def test_xml_entity_bombs_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(MalformedStatement):
        read_statement(StatementFormat.CAMT053, bomb)
