"""From an issued invoice and a bank statement to a published allocation and open items."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent.parent / "fixtures"


async def import_camt(service: Any, raw: bytes) -> Any:
    return await service.client.post("/statements", params={"format": "camt053"}, content=raw,
                                     headers={"content-type": "application/xml"})


async def test_camt053_import_allocates_by_remittance_and_publishes(
    service: Any, unique_id: str
) -> None:
    acme, other = f"ACME-{unique_id}", f"OTHER-{unique_id}"
    invoice_id = await service.issue_invoice(acme, "INV-2026-0001", "1200.00")
    await service.issue_invoice(acme, "INV-2026-0002", "480.00")
    await service.issue_invoice(other, "INV-2026-0003", "99.00")
    await service.wait_invoices(acme, 2)
    await service.wait_invoices(other, 1)

    r = await import_camt(service, (FIXTURES / "camt053_sample.xml").read_bytes())
    assert r.status_code == 201, r.text
    first, second = r.json()["entries"]
    assert first["customer_id"] == acme and first["identified_by"] == "remittance_reference"
    assert [(a["invoice_id"], a["amount"]["amount"], a["match_reason"])
            for a in first["allocations"]] == [(invoice_id, "1200.00", "remittance_reference")]
    assert first["allocations"][0]["explanation"]
    assert second["outcome"] == "unidentified_payer" and second["allocations"] == []

    assert await service.open_items(acme) == {"INV-2026-0002": Decimal("480.00")}
    detail = (await service.client.get(f"/payments/{first['payment_id']}")).json()
    assert detail["unapplied"]["amount"] == "0.00" and len(detail["allocations"]) == 1
    queue = (await service.client.get("/unapplied")).json()["payments"]
    assert [p["payment_id"] for p in queue] == [second["payment_id"]]

    published = await service.published(
        lambda es: any(e.event_type == "cash-application.PaymentAllocated" for e in es))
    allocated = [e for e in published if e.event_type == "cash-application.PaymentAllocated"]
    assert allocated[0].payload.invoice_id == invoice_id and allocated[0].customer_id == acme
    await service.assert_ar_invariant([acme, other])


async def test_reimporting_a_statement_records_nothing_new(service: Any, unique_id: str) -> None:
    raw = (FIXTURES / "camt053_sample.xml").read_bytes()
    first = (await import_camt(service, raw)).json()
    again = await import_camt(service, raw)
    assert again.status_code == 201
    assert again.json()["recorded"] == 0 and again.json()["duplicates"] == 2
    assert [e["payment_id"] for e in again.json()["entries"]] == [
        e["payment_id"] for e in first["entries"]]
    received = [e for e in await service.own_events()
                if e.event_type == "cash-application.PaymentReceived"]
    assert len(received) == 2


@pytest.mark.parametrize(("fmt", "raw", "location"), [
    ("camt053", b"<Document><BkToCstmrStmt><Stmt>", "line 1"),
    ("csv", b"statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,"
            b"remittance\nS,1,2026-03-05,10.00,EUR,,,\nS,2,2026-03-05,ten,EUR,,,\n",
     "line 3, column amount"),
    ("mt940", b":20:S\n:25:A\n:28C:1\n:60F:C260301EUR0,00\n:61:bad\n", "line 5"),
])
async def test_malformed_statement_imports_nothing(
    service: Any, fmt: str, raw: bytes, location: str
) -> None:
    r = await service.client.post("/statements", params={"format": fmt}, content=raw)
    assert r.status_code == 422
    assert r.json()["rule"] == "malformed_statement"
    assert r.json()["location"].startswith(location)
    assert await service.own_events() == []


async def test_multipart_csv_upload_and_payer_account_learning(
    service: Any, unique_id: str
) -> None:
    acme = f"ACME-{unique_id}"
    await service.issue_invoice(acme, "INV-2026-0001", "1200.00")
    await service.wait_invoices(acme, 1)
    csv = (FIXTURES / "csv_sample.csv").read_bytes()
    r = await service.client.post("/statements", params={"format": "csv"},
                                  files={"file": ("statement.csv", csv, "text/csv")})
    assert r.status_code == 201, r.text
    assert r.json()["entries"][0]["allocations"][0]["match_reason"] == "remittance_reference"
    # The same account pays again without a reference: recognised by its IBAN.
    later = (b"statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,"
             b"remittance\nCSV-2,1,2026-03-06,50.00,EUR,ACME,DE89370400440532013000,thanks\n")
    r = await service.client.post("/statements", params={"format": "csv"}, content=later)
    entry = r.json()["entries"][0]
    assert (entry["customer_id"], entry["identified_by"]) == (acme, "payer_account")
    assert entry["outcome"] == "credit_on_account"
    await service.assert_ar_invariant([acme])


async def test_each_entry_of_a_file_sees_what_the_earlier_ones_paid_and_taught(
    service: Any, unique_id: str
) -> None:
    acme = f"ACME-{unique_id}"
    await service.issue_invoice(acme, f"A-{unique_id}", "100.00")
    await service.issue_invoice(acme, f"B-{unique_id}", "40.00")
    await service.wait_invoices(acme, 2)
    csv = ("statement_ref,entry_ref,booking_date,amount,currency,payer_name,payer_account,"
           "remittance\n"
           f"F-{unique_id},1,2026-03-06,100.00,EUR,ACME,DE89370400440532013000,A-{unique_id}\n"
           f"F-{unique_id},2,2026-03-06,40.00,EUR,ACME,DE89370400440532013000,thanks\n"
           f"F-{unique_id},3,2026-03-06,25.00,EUR,Other,GB33BUKB20201555555555,A-{unique_id}\n")
    r = await service.client.post("/statements", params={"format": "csv"}, content=csv.encode())
    assert r.status_code == 201, r.text
    first, second, third = r.json()["entries"]
    assert (first["identified_by"], first["outcome"]) == ("remittance_reference", "fully_applied")
    # The account entry 1 taught identifies entry 2, which settles the invoice still open.
    assert (second["customer_id"], second["identified_by"]) == (acme, "payer_account")
    assert second["allocations"][0]["amount"] == {"amount": "40.00", "currency": "EUR"}
    # Entry 3 names the invoice entry 1 paid: nobody's open invoice, an unknown account.
    assert (third["customer_id"], third["outcome"]) == (None, "unidentified_payer")
    await service.assert_ar_invariant([acme])
