"""Real bank files through POST /statements: no payment lost, none counted twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).parent.parent / "fixtures" / "statements"


async def post(service: Any, fmt: str, raw: bytes, **headers: str) -> Any:
    return await service.client.post("/statements", params={"format": fmt}, content=raw,
                                      headers=headers)


async def received(service: Any) -> list[Any]:
    return [e for e in await service.own_events()
            if e.event_type == "cash-application.PaymentReceived"]


async def test_the_same_days_files_of_two_accounts_of_one_bank_keep_both_payments(
    service: Any,
) -> None:
    # Rabobank's :20: is the date: two accounts' files of one day share it.
    mine = (CORPUS / "rabobank" / "rabobank-new-oca.swi").read_bytes()
    theirs = mine.replace(b"NL34RABO0142623393", b"NL91ABNA0417164300").replace(
        b"R. SMITH", b"J. JONES")
    first, second = await post(service, "mt940", mine), await post(service, "mt940", theirs)
    assert (first.json()["recorded"], second.json()["recorded"]) == (1, 1), second.text
    assert first.json()["entries"][0]["payment_id"] != second.json()["entries"][0]["payment_id"]
    assert len(await received(service)) == 2


async def test_an_intraday_report_and_its_final_statement_count_each_transfer_once(
    service: Any,
) -> None:
    intraday = await post(service, "mt940", (CORPUS / "mbank/mbank-mt942-wolph.sta").read_bytes())
    assert intraday.status_code == 422
    assert intraday.json()["rule"] == "intraday_report" and "MT942" in intraday.json()["detail"]
    camt052 = await post(service, "camt053",
                         (CORPUS / "sparkasse/camt052-001-02-hbci4java.xml").read_bytes())
    assert camt052.json()["rule"] == "intraday_report"
    final = await post(service, "mt940", (CORPUS / "mbank/mbank-mt940-wolph.sta").read_bytes())
    assert final.status_code == 201 and final.json()["recorded"] == 3
    assert len(await received(service)) == 3


async def test_the_next_days_old_ing_file_is_imported_although_it_reuses_mpbz_000(
    service: Any,
) -> None:
    day = (CORPUS / "ing" / "ing-old-jejik.sta").read_bytes()
    next_day = day.replace(b"100722", b"100723").replace(b":62F:C100723", b":62F:C100724")
    assert (await post(service, "mt940", day)).json()["recorded"] == 2
    again = await post(service, "mt940", next_day)
    assert again.status_code == 201, again.text
    assert (again.json()["recorded"], again.json()["duplicates"]) == (2, 0)


async def test_the_same_file_twice_is_reported_as_such_and_records_nothing(service: Any) -> None:
    raw = (CORPUS / "asn" / "asn-wolph.940").read_bytes()
    first = (await post(service, "mt940", raw)).json()
    again = (await post(service, "mt940", raw.replace(b"\n", b"\r\n"))).json()
    assert first["file"]["imported_before"] is False and again["file"]["imported_before"] is True
    assert (again["recorded"], again["duplicates"]) == (0, 3)
    assert [e["payment_id"] for e in again["entries"]] == [
        e["payment_id"] for e in first["entries"]]
    assert len(await received(service)) == 3


async def test_a_statement_inside_another_file_is_recognised_entry_by_entry(
    service: Any,
) -> None:
    raw = (CORPUS / "abnamro" / "camt053-abnamro-oca.xml").read_bytes()
    await post(service, "camt053", raw)
    reformatted = await post(service, "camt053", raw.replace(b"    ", b"  "))
    assert reformatted.json()["file"]["imported_before"] is False
    assert (reformatted.json()["recorded"], reformatted.json()["duplicates"]) == (0, 1)


async def test_a_true_conflict_names_the_entry_and_both_amounts(service: Any) -> None:
    raw = (CORPUS / "abnamro" / "camt053-abnamro-oca.xml").read_bytes()
    assert (await post(service, "camt053", raw)).status_code == 201
    events = len(await service.own_events())
    changed = raw.replace(b'<Amt Ccy="EUR">1405.31</Amt>', b'<Amt Ccy="EUR">1450.31</Amt>')
    r = await post(service, "camt053", changed)
    assert r.status_code == 409
    body = r.json()
    assert set(body) == {"detail", "rule", "field", "errors", "location"}
    assert (body["rule"], body["field"]) == ("statement_entry_conflict", "file")
    assert body["detail"].startswith("Stmt[1]/Ntry[3]: entry 115 of statement ")
    assert "1405.31 EUR value 2014-01-05" in body["detail"]
    assert "1450.31 EUR value 2014-01-05" in body["detail"]
    assert "dempotency" not in body["detail"]
    assert len(await service.own_events()) == events


async def test_an_idempotency_key_returns_the_first_answer(service: Any) -> None:
    raw = (CORPUS / "knab" / "knab-jejik.sta").read_bytes()
    first = await post(service, "mt940", raw, **{"Idempotency-Key": "knab-1"})
    again = await post(service, "mt940", raw, **{"Idempotency-Key": "knab-1"})
    assert again.json() == first.json() and first.json()["recorded"] == 2
    other = await post(service, "mt940", (CORPUS / "asn/asn-wolph.940").read_bytes(),
                       **{"Idempotency-Key": "knab-1"})
    assert other.status_code == 422 and "knab-1" in other.text


async def test_sub_cent_amounts_are_refused_with_their_location(service: Any) -> None:
    raw = (CORPUS / "abnamro" / "camt053-abnamro-oca.xml").read_bytes().replace(
        b'<Amt Ccy="EUR">1405.31</Amt>', b'<Amt Ccy="EUR">8.85012</Amt>')
    r = await post(service, "camt053", raw)
    assert r.status_code == 422
    assert (r.json()["location"], r.json()["detail"]) == (
        "Stmt[1]/Ntry[3]/Amt", "8.85012 EUR has more decimals than EUR allows (2)")
    assert await service.own_events() == []


async def test_a_bank_csv_export_is_read_through_its_profile(service: Any) -> None:
    export = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Verwendungszweck";'
              '"Kundenreferenz (End-to-End)";"Beguenstigter/Zahlungspflichtiger";'
              '"Kontonummer/IBAN";"Betrag";"Waehrung"\n'
              '"DE89370400440532013000";"05.03.26";"05.03.26";"Rechnung 17";"NOTPROVIDED";'
              '"Jürgen Weiß";"DE02120300000000202051";"1.250,00";"EUR"\n').encode("cp1252")
    r = await service.client.post("/statements", params={"format": "csv", "profile": "sparkasse"},
                                  content=export)
    assert r.status_code == 201, r.text
    (event,) = await received(service)
    payment = (await service.client.get(f"/payments/{event.payload.payment_id}")).json()
    assert (payment["payer_name"], payment["amount"]["amount"]) == ("Jürgen Weiß", "1250.00")
    unknown = await service.client.post("/statements", params={"format": "csv",
                                                                "profile": "nope"}, content=export)
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "unknown_csv_profile")


async def test_an_unidentified_payment_says_what_was_tried(service: Any, unique_id: str) -> None:
    first, second = f"A-{unique_id}", f"B-{unique_id}"
    await service.issue_invoice(first, f"INV-{unique_id}-1", "480.00")
    await service.issue_invoice(second, f"INV-{unique_id}-2", "480.00")
    await service.wait_invoices(first, 1)
    await service.wait_invoices(second, 1)
    csv = (b"statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,"
           b"remittance\nS-1,1,2026-03-05,480.00,EUR,Someone,NL91ABNA0417164300,"
           b"order 77\n")
    r = await post(service, "csv", csv)
    assert r.json()["entries"][0]["outcome"] == "unidentified_payer", r.text
    (queued,) = [p for p in (await service.client.get("/unapplied")).json()["payments"]
                 if p["payment_id"] == r.json()["entries"][0]["payment_id"]]
    assert queued["identification"]["tried"] == [
        "the remittance names no open invoice number",
        "account NL91ABNA0417164300 is not known for any customer",
        "open invoices of 480.00 EUR belong to 2 customers",
    ]
    assert queued["identification"]["same_amount_customers"] == sorted([first, second])
