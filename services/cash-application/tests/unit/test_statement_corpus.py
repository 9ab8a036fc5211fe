"""Real bank files (fixtures/statements, README there for sources and licences): each gives
the payments, identities and payers written down in expected.json; intraday reports are read
the same way but refused for import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ledgerline_cash.adapters.statements import IntradayReport, StatementFormat, read_statement
from ledgerline_cash.adapters.statements.camt import read_camt
from ledgerline_cash.adapters.statements.mt940_reader import read_mt940
from ledgerline_cash.domain.statement_identity import identify_entries

CORPUS = Path(__file__).parent.parent / "fixtures" / "statements"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())


def _format(name: str) -> StatementFormat:
    return StatementFormat.CAMT053 if name.endswith(".xml") else StatementFormat.MT940


def test_the_corpus_has_real_files_of_many_banks_and_every_format() -> None:
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.name not in (
        "README.md", "expected.json")]
    assert len(files) >= 25 and sorted(str(p.relative_to(CORPUS)) for p in files) == sorted(
        EXPECTED)
    readme = (CORPUS / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in EXPECTED)  # source and licence beside each
    banks = {name.split("/")[0] for name in EXPECTED} - {"iso20022-generic", "generic-mt942"}
    assert len(banks) >= 8
    for marker in (b"camt.053.001", b"camt.054.001", b"camt.052.001", b":34F:"):
        assert any(marker in (CORPUS / name).read_bytes() for name in EXPECTED), marker


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gives_its_payments_identities_and_payers(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    reader = read_camt if name.endswith(".xml") else read_mt940
    lines = identify_entries(reader(raw, intraday=True))
    got = [{"identity": line.identity, "amount": f"{line.amount.amount} {line.amount.currency}",
            "payer": line.payer_name, "payer_account": line.payer_account, "at": line.location}
           for line in lines]
    assert got == EXPECTED[name]["payments"]
    assert len({line.identity for line in lines}) == len(lines)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["intraday"]))
def test_intraday_reports_are_refused_for_import(name: str) -> None:
    with pytest.raises(IntradayReport) as refused:
        read_statement(_format(name), (CORPUS / name).read_bytes())
    assert "intraday" in refused.value.problem


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e["intraday"]))
def test_statements_import_as_read(name: str) -> None:
    lines = read_statement(_format(name), (CORPUS / name).read_bytes())
    assert [line.identity for line in lines] == [
        p["identity"] for p in EXPECTED[name]["payments"]]


def test_statement_level_information_and_trailers_stay_out_of_the_last_payment() -> None:
    # ING's old format ends with `:86:D000004C000002D25,24C28,71` and `-XXX`.
    last = read_statement(StatementFormat.MT940, (CORPUS / "ing/ing-old-jejik.sta").read_bytes())
    assert last[-1].remittance == ("ROSMALEN Hr S Marechal ROSMALEN Betaling transactiedatum: "
                                   "22-07-2010")


def test_rabobank_counterparty_iban_is_the_payer_account() -> None:
    (line,) = read_statement(StatementFormat.MT940,
                             (CORPUS / "rabobank/rabobank-new-oca.swi").read_bytes())
    assert (line.payer_name, line.payer_account) == ("R. SMITH", "NL66RABO0160878799")
    assert line.remittance == "Test money paid by other partner:"


def test_a_batch_booking_is_one_payment_per_transaction() -> None:
    first, second = read_statement(
        StatementFormat.CAMT053, (CORPUS / "swiss/camt053-001-04-txdtls-oca.xml").read_bytes())
    assert [str(first.amount.amount), str(second.amount.amount)] == ["2187.00", "1296.00"]
    assert first.payer_account != second.payer_account
    assert first.location.endswith("TxDtls[1]") and second.location.endswith("TxDtls[2]")
