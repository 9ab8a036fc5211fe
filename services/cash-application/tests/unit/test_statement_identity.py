"""Which payment a statement entry is: the account, the statement, the entry's reference."""

from __future__ import annotations

from datetime import date

from ledgerline_cash.adapters.statements.mt940_details import read_details
from ledgerline_cash.domain.statement import StatementLine
from ledgerline_cash.domain.statement_identity import (
    best_reference,
    file_fingerprint,
    identify_entries,
    receiving_account,
    statement_ref,
)
from ledgerline_events.contract import Money


def test_an_account_is_written_one_way_whatever_the_format() -> None:
    assert receiving_account("NL34RABO0142623393 EUR") == "NL34RABO0142623393"
    assert receiving_account("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert receiving_account("1291.99.348EUR") == "129199348EUR"  # not an IBAN: kept
    assert receiving_account("12345678/1234567890") == "12345678/1234567890"


def test_a_statement_is_named_by_account_id_sequence_and_day() -> None:
    assert statement_ref("NL91ABNA0417164300", "940S140102", "0", date(2014, 1, 2)) == (
        "NL91ABNA0417164300/940S140102/0@2014-01-02")
    assert len(statement_ref("A" * 34, "B" * 200)) == 128


def test_placeholders_are_not_references() -> None:
    assert best_reference(["NONREF", " NOTPROVIDED ", "", "E2E-7"]) == "E2E-7"
    assert best_reference(["NONREF"]) == ""


def line(amount: str, ref: str = "", payer: str = "A") -> StatementLine:
    return StatementLine("S", ref, date(2026, 3, 5), date(2026, 3, 5), Money.of(amount, "EUR"),
                         payer_name=payer)


def test_twins_get_an_occurrence_index_and_different_content_a_different_name() -> None:
    first, twin, other, ref, ref_again = identify_entries(
        [line("1.00"), line("1.00"), line("2.00"), line("3.00", "R1"), line("4.00", "R1")])
    assert twin.entry_ref == first.entry_ref + "#2" and other.entry_ref != first.entry_ref
    assert (ref.entry_ref, ref_again.entry_ref) == ("R1", "R1#2")


def test_a_file_is_the_same_file_whatever_its_line_endings() -> None:
    assert file_fingerprint(b"a\r\nb\r\n") == file_fingerprint(b"a\nb\n") != file_fingerprint(
        b"a\nc\n")


def test_triodos_subfields_with_angle_brackets_are_read() -> None:
    details = read_details("000>100987654321\n>20ALGEMENE TUSSENREKENING KOS>21TEN VAN "
                           "01-10-2010 TOT EN M\n>22ET 31-12-2010>310390123456")
    assert details.remittance == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert details.payer_account == "0390123456"


def test_ing_counterparty_codes_give_account_name_and_remittance() -> None:
    details = read_details("/EREF/E1//CNTP/NL32INGB0000012345/INGBNL2A/J.Janssen///REMI/USTD/"
                           "/Factuurnr 123456/")
    assert (details.payer_name, details.payer_account, details.remittance) == (
        "J.Janssen", "NL32INGB0000012345", "Factuurnr 123456")
