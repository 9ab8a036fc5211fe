"""Bank statements in: each format gives the same incoming payments; bad files import nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline_cash.adapters.statements import (
    SHIPPED,
    CsvProfile,
    IntradayReport,
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


@pytest.mark.parametrize("fmt", list(SAMPLES))
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
    lines = read_statement(StatementFormat.CAMT053,
                           (FIXTURES / SAMPLES[StatementFormat.CAMT053]).read_bytes())
    assert lines[0].statement_ref == "GB29NWBK60161331926819/STMT-2026-03-05@2026-03-05"
    assert lines[0].entry_ref == "E-001"
    assert str(lines[0].value_date) == "2026-03-04"
    assert lines[1].entry_ref == "BANK-REF-003"  # no NtryRef: the bank's own reference


def test_mt940_identity_is_account_statement_number_date_and_bank_reference() -> None:
    lines = read_statement(StatementFormat.MT940,
                           (FIXTURES / SAMPLES[StatementFormat.MT940]).read_bytes())
    assert lines[0].identity == "statement:GB29NWBK60161331926819/STMT0305/42/1@2026-03-05:BR-001"


def test_reading_the_same_file_twice_gives_the_same_identities() -> None:
    raw = (FIXTURES / SAMPLES[StatementFormat.CAMT053]).read_bytes()
    first = [line.identity for line in read_statement(StatementFormat.CAMT053, raw)]
    again = [line.identity for line in read_statement(StatementFormat.CAMT053, raw)]
    assert first == again


CAMT_ENTRY = """<Ntry><NtryRef>E1</NtryRef>{amt}<CdtDbtInd>{ind}</CdtDbtInd>
<BookgDt><Dt>{dt}</Dt></BookgDt></Ntry>"""


def camt(entry: str, account: str = "NL91ABNA0417164300") -> bytes:
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{account}</IBAN></Id></Acct>{entry}</Stmt>"
        "</BkToCstmrStmt></Document>"
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
        (StatementFormat.CAMT053, camt(CAMT_ENTRY.format(
            amt='<Amt Ccy="EUR">1.00</Amt>', ind="CRDT", dt="2026-03-05"), account=""),
         "Stmt[1]/Acct"),
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
        (StatementFormat.CAMT053,
         camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">8.85012</Amt>', ind="CRDT", dt="2026-03-05")),
         "Stmt[1]/Ntry[1]/Amt"),
        (StatementFormat.MT940, b":20:S\n:25:ACC\n:28C:1\n:60F:C260301EUR0,00\n"
                                b":61:2603010301C8,85012NTRFNONREF//B1\n:62F:C260301EUR8,85\n",
         "line 5"),
        (StatementFormat.CSV, (CSV_HEADER + "S,1,2026-03-05,8.85012,EUR,,,\n").encode(),
         "line 2, column amount"),
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


def test_sub_cent_amounts_are_refused_with_the_amount_and_the_currency_rule() -> None:
    raw = camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">8.85012</Amt>', ind="CRDT", dt="2026-03-05"))
    with pytest.raises(MalformedStatement) as caught:
        read_statement(StatementFormat.CAMT053, raw)
    assert caught.value.problem == "8.85012 EUR has more decimals than EUR allows (2)"


def test_messages_name_the_tag_and_its_text_never_a_python_object() -> None:
    raw = b":20:S\n:25:ACC\n:28C:1\n:60F:C260301EUR0,00\n:61:garbage\n:62F:C260301EUR0,00\n"
    with pytest.raises(MalformedStatement) as caught:
        read_statement(StatementFormat.MT940, raw)
    assert str(caught.value) == "line 5: cannot read :61: 'garbage'"


TX = """<Ntry>{ref}<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-05</Dt></BookgDt><NtryDtls>{details}</NtryDtls></Ntry>"""
DETAILS = """<TxDtls><Refs>{refs}</Refs><Amt Ccy="EUR">{amount}</Amt><RltdPties><Dbtr><Nm>{payer}</Nm>
</Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"""


def test_camt_entries_without_entry_references_use_the_transaction_references() -> None:
    entry = TX.format(ref="", amount="10.00", details=DETAILS.format(
        refs="<EndToEndId>NOTPROVIDED</EndToEndId><TxId>TX-1</TxId>", amount="10.00",
        payer="A", text="INV-1"))
    (line,) = read_statement(StatementFormat.CAMT053, camt(entry))
    assert line.entry_ref == "TX-1"


def test_entries_without_any_reference_are_named_by_their_content_and_occurrence() -> None:
    twin = TX.format(ref="", amount="10.00", details=DETAILS.format(
        refs="<EndToEndId>NOTPROVIDED</EndToEndId>", amount="10.00", payer="A", text="INV-1"))
    first, second = read_statement(StatementFormat.CAMT053, camt(twin + twin))
    assert first.entry_ref.startswith("content-") and second.entry_ref == first.entry_ref + "#2"


def test_camt054_batch_booking_details_are_one_payment_each() -> None:
    details = "".join(DETAILS.format(refs=f"<AcctSvcrRef>R{i}</AcctSvcrRef>", amount=amount,
                                     payer=payer, text=f"INV-{i}")
                      for i, (amount, payer) in enumerate([("30.00", "A"), ("12.50", "B")]))
    raw = camt(TX.format(ref="<AcctSvcrRef>BATCH-9</AcctSvcrRef>", amount="42.50",
                         details=details)).replace(b"BkToCstmrStmt>", b"BkToCstmrDbtCdtNtfctn>")
    raw = raw.replace(b"<Stmt>", b"<Ntfctn>").replace(b"</Stmt>", b"</Ntfctn>")
    lines = read_statement(StatementFormat.CAMT054, raw)
    assert [(line.entry_ref, str(line.amount.amount), line.payer_name, line.remittance)
            for line in lines] == [("BATCH-9/R0", "30.00", "A", "INV-0"),
                                   ("BATCH-9/R1", "12.50", "B", "INV-1")]
    assert lines[0].location == "Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[1]"


def test_camt052_intraday_reports_are_refused_with_the_reason() -> None:
    raw = camt("").replace(b"BkToCstmrStmt>", b"BkToCstmrAcctRpt>").replace(b"Stmt>", b"Rpt>")
    with pytest.raises(IntradayReport) as refused:
        read_statement(StatementFormat.CAMT053, raw)
    assert "import the camt.053 statement" in refused.value.problem


def test_mt942_is_refused_even_when_sent_as_mt940() -> None:
    raw = b":20:X\n:25:ACC\n:28C:1\n:34F:EURD0,00\n:13D:2603051200+0100\n:61:2603050305C1,00NTRFNONREF//B1\n"
    with pytest.raises(IntradayReport) as refused:
        read_statement(StatementFormat.MT940, raw)
    assert refused.value.location == "line 4" and "MT942" in refused.value.problem


RABO = (FIXTURES / "statements" / "rabobank" / "rabobank-new-oca.swi").read_bytes()


def test_the_same_days_files_of_two_accounts_are_different_payments() -> None:
    other = RABO.replace(b"NL34RABO0142623393", b"NL91ABNA0417164300")
    (mine,) = read_statement(StatementFormat.MT940, RABO)
    (theirs,) = read_statement(StatementFormat.MT940, other)
    assert mine.identity != theirs.identity
    assert theirs.statement_ref == "NL91ABNA0417164300/940S140102/0@2014-01-02"


def test_old_ing_files_of_two_days_do_not_share_identities() -> None:
    day = (FIXTURES / "statements" / "ing" / "ing-old-jejik.sta").read_bytes()
    next_day = day.replace(b"100722", b"100723").replace(b":62F:C100723", b":62F:C100724")
    first = {line.identity for line in read_statement(StatementFormat.MT940, day)}
    second = {line.identity for line in read_statement(StatementFormat.MT940, next_day)}
    assert first and not first & second


def test_german_payer_names_cut_at_27_characters_are_joined_without_a_space() -> None:
    name32, name33 = "Maximilian Mustermann Hande", "lsgesellschaft mbH"
    raw = (":20:STARTUMS\n:25:10020030/1234567\n:28C:1\n:60F:C260301EUR0,00\n"
           ":61:2603010301CR5,00NTRFNONREF\n"
           f":86:166?00GUTSCHRIFT?20SVWZ+Rechnungen INV-2026-00?2101 vom Maerz?32{name32}"
           f"\n?33{name33}?34000\n:62F:C260301EUR5,00\n").encode()
    (line,) = read_statement(StatementFormat.MT940, raw)
    assert line.payer_name == "Maximilian Mustermann Handelsgesellschaft mbH"
    assert line.remittance == "SVWZ+Rechnungen INV-2026-0001 vom Maerz"


def test_european_csv_exports_are_read_through_their_bank_profile() -> None:
    export = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
              '"Kundenreferenz (End-to-End)";"Beguenstigter/Zahlungspflichtiger";'
              '"Kontonummer/IBAN";"Betrag";"Waehrung"\n'
              '"DE89370400440532013000";"05.03.26";"06.03.26";"GUTSCHRIFT";"Rechnung INV-7";'
              '"E2E-1";"Müller & Söhne";"DE02120300000000202051";"1.234,56";"EUR"\n'
              '"DE89370400440532013000";"05.03.26";"05.03.26";"LASTSCHRIFT";"Miete";'
              '"NOTPROVIDED";"Vermieter";"DE02120300000000202051";"-800,00";"EUR"\n'
              ).encode("iso-8859-1")
    (line,) = read_statement(StatementFormat.CSV, export, SHIPPED["sparkasse"])
    assert (str(line.amount.amount), line.payer_name, line.remittance, line.entry_ref) == (
        "1234.56", "Müller & Söhne", "Rechnung INV-7", "E2E-1")
    assert str(line.value_date) == "2026-03-06" and line.account == "DE89370400440532013000"


def test_a_configured_profile_reads_a_direction_column() -> None:
    profile = CsvProfile.model_validate({
        "delimiter": "\t", "decimal_mark": ",", "date_format": "%d/%m/%Y",
        "credit_marks": ["CR"], "columns": {"booking_date": "Date", "amount": "Amount",
                                           "direction": "D/C", "payer_name": "Name",
                                           "remittance": ["Text"]}})
    export = (b"Date\tAmount\tD/C\tName\tText\n05/03/2026\t10,00\tCR\tA\tINV-1\n"
              b"05/03/2026\t99,00\tDR\tB\tfee\n")
    (line,) = read_statement(StatementFormat.CSV, export, profile)
    assert (str(line.amount.amount), line.payer_name, line.entry_ref[:8]) == ("10.00", "A", "content-")


@pytest.mark.parametrize("version", ["02", "04", "06", "08", "10", "12", "13"])
def test_every_camt053_version_is_read(version: str) -> None:
    raw = camt(CAMT_ENTRY.format(amt='<Amt Ccy="EUR">10.00</Amt>', ind="CRDT", dt="2026-03-05")
               ).replace(b"camt.053.001.08", f"camt.053.001.{version}".encode())
    (line,) = read_statement(StatementFormat.CAMT053, raw)
    assert line.identity == "statement:NL91ABNA0417164300/S1:E1"


def test_what_a_payment_cannot_carry_is_cut_not_crashed_on() -> None:
    long_csv = (CSV_HEADER + f"S,1,2026-03-05,1.00,EUR,{'N' * 300},{'9' * 40},x\n").encode()
    (line,) = read_statement(StatementFormat.CSV, long_csv)
    assert (len(line.payer_name), line.payer_account) == (200, "")


def test_our_own_csv_keeps_the_identities_it_had() -> None:
    lines = read_statement(StatementFormat.CSV, (FIXTURES / "csv_sample.csv").read_bytes())
    assert [line.identity for line in lines] == ["statement:CSV-2026-03-05:1",
                                                 "statement:CSV-2026-03-05:2"]
