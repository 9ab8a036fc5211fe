"""The HTTP API against the real broker and database: manual invoices, credit notes,
cancellations, refusals, and the register, detail and statement they show up in."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from ledgerline_events.contract.base import Event, new_envelope
from ledgerline_events.contract.cash_application import (
    CancellationApplied,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
)
from ledgerline_events.contract.money import Money
from ledgerline_events.testing import eventually

from .invoicing_service import Service, delivered, token

pytestmark = pytest.mark.integration


def manual_invoice(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {"customer_id": "C-9", "name": "Rossi SpA", "country": "IT"},
        "currency": "EUR",
        "lines": [{"description": "consulting", "quantity": "1", "unit_price": "100.00",
                   "tax_rate": "20"}],
        "payment_terms": {"kind": "end_of_month", "net_days": 30},
        "issue_date": "2026-03-01",
    }
    body.update(changes)
    return body


def allocation(invoice_id: str, amount: str, on: date, customer_id: str = "C-9") -> Any:
    payload = PaymentAllocated(
        allocation_id=f"al-{invoice_id}-{amount}", payment_id="pay-1", invoice_id=invoice_id,
        amount=Money.of(amount, "EUR"), match_reason=MatchReason.REMITTANCE_REFERENCE,
        allocated_on=on,
    )
    return new_envelope(payload, aggregate_id="pay-1", aggregate_version=2,
                        customer_id=customer_id, producer="cash-application",
                        occurred_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC))


def cleared(payload: Event, on: date, customer_id: str = "C-9") -> Any:
    """A clearing decision of cash application, as it would publish it."""
    return new_envelope(payload, aggregate_id=f"clearing-{id(payload)}", aggregate_version=1,
                        customer_id=customer_id, producer="cash-application",
                        occurred_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC))


async def post(service: Service, path: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return await service.http.post(path, json=body, headers=headers)


async def registered(service: Service, invoice_id: str, **expected: str) -> Any:
    async def check() -> Any:
        response = await service.http.get(f"/invoices/{invoice_id}")
        if response.status_code != 200:
            return None
        body = response.json()
        return body if all(body[k] == v for k, v in expected.items()) else None

    return await eventually(check)


async def test_invoice_credit_note_cancellation_and_statement(service: Service) -> None:
    created = await post(service, "/invoices", manual_invoice(), "k-1")
    assert created.status_code == 201, created.text
    invoice_id = created.json()["invoice_id"]
    assert created.json()["invoice_number"] == "INV-2026-000001"

    again = await post(service, "/invoices", manual_invoice(), "k-1")
    assert (again.status_code, again.json()) == (201, created.json())  # first answer, no new one
    reused = await post(service, "/invoices", manual_invoice(issue_date="2026-03-02"), "k-1")
    assert reused.status_code == 422

    detail = await registered(service, invoice_id, status="open")
    assert (detail["gross_total"], detail["due_date"]) == ("120.00", "2026-04-30")
    pdf = await service.http.get(f"/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "INV-2026-000001" in text and "120.00 EUR" in text and "2026-04-30" in text

    await service.publish(service.topics.cash_application,
                          allocation(invoice_id, "50.00", date(2026, 3, 10)))
    await registered(service, invoice_id, status="partially_paid", settled="50.00")

    too_much = await post(service, f"/invoices/{invoice_id}/credit-notes",
                          {"amount": {"amount": "120.01", "currency": "EUR"},
                           "reason": "price correction", "issue_date": "2026-03-15"}, "k-2")
    assert too_much.status_code == 409
    assert too_much.json()["field"] == "amount.amount"
    assert too_much.json()["rule"] == "exceeds_creditable"
    assert "invoiced and not credited yet 120.00 EUR" in too_much.json()["detail"]

    credited = await post(service, f"/invoices/{invoice_id}/credit-notes",
                          {"amount": {"amount": "20.00", "currency": "EUR"},
                           "reason": "price correction", "issue_date": "2026-03-15",
                           "occurred_at": "2026-03-15T12:00:00Z"}, "k-3")
    assert credited.status_code == 201, credited.text
    assert credited.json()["credit_note_number"] == "CN-2026-000001"
    await service.publish(service.topics.cash_application, cleared(CreditNoteApplied(
        credit_note_id=credited.json()["credit_note_id"], credit_note_number="CN-2026-000001",
        invoice_id=invoice_id, credit_id="CR-1", amount=Money.of("20.00", "EUR"),
        applied=Money.of("20.00", "EUR"), to_account=Money.of("0.00", "EUR"),
        applied_on=date(2026, 3, 15)), date(2026, 3, 15)))

    paid = await post(service, f"/invoices/{invoice_id}/cancel", {"reason": "mistake"}, "k-4")
    assert paid.status_code == 409
    assert paid.json()["rule"] in ("paid", "credited"), paid.text

    detail = await registered(service, invoice_id, credited="20.00", outstanding="50.00")
    copy = await service.http.get(f"/invoices/{invoice_id}/pdf")
    assert copy.content == pdf.content  # a copy reads as the original: payments are not on it
    note = await service.http.get("/credit-notes/CN-2026-000001/pdf")
    note_text = "".join(page.extract_text() for page in PdfReader(BytesIO(note.content)).pages)
    assert all(s in note_text for s in ("CREDIT NOTE CN-2026-000001", "INV-2026-000001",
                                        "price correction", "20.00 EUR")), note_text
    assert [h["kind"] for h in detail["history"]] == [
        "issued", "allocated", "credit_note", "credited"]

    response = await service.http.get(
        "/customers/C-9/statement", params={"from": "2026-03-05", "to": "2026-03-31"}
    )
    assert response.status_code == 200, response.text
    [march] = response.json()
    assert (march["currency"], march["opening_balance"], march["closing_balance"]) == (
        "EUR", "120.00", "50.00",
    )
    assert [(line["kind"], line["amount"], line["balance"]) for line in march["lines"]] == [
        ("payment", "-50.00", "70.00"), ("credit_note", "-20.00", "50.00"),
    ]
    pdf = await service.http.get("/customers/C-9/statement/pdf",
                                 params={"from": "2026-03-05", "to": "2026-03-31"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "STATEMENT OF ACCOUNT" in text and "CN-2026-000001" in text and "50.00 EUR" in text


async def test_untouched_invoice_is_cancelled_and_listed_as_cancelled(service: Service) -> None:
    created = await service.http.post("/invoices", json=manual_invoice(), headers={
        "Idempotency-Key": "k-1", "X-Correlation-Id": "corr-123"})
    invoice_id = created.json()["invoice_id"]
    await registered(service, invoice_id, correlation_id="corr-123")
    cancelled = await post(service, f"/invoices/{invoice_id}/cancel",
                           {"reason": "duplicate of another invoice",
                            "cancelled_on": "2026-03-02"}, "k-2")
    assert cancelled.status_code == 200, cancelled.text
    await service.publish(service.topics.cash_application, cleared(CancellationApplied(
        invoice_id=invoice_id, amount=Money.of("120.00", "EUR"),
        applied=Money.of("120.00", "EUR"), applied_on=date(2026, 3, 2)), date(2026, 3, 2)))
    await registered(service, invoice_id, status="cancelled", outstanding="0.00")
    listed = await service.invoices(customer_id="C-9", status="cancelled")
    assert [i["invoice_id"] for i in listed] == [invoice_id]
    again = await post(service, f"/invoices/{invoice_id}/credit-notes",
                       {"reason": "x", "issue_date": "2026-03-03"}, "k-3")
    assert again.status_code == 409


async def test_an_allocation_before_its_invoice_is_kept_and_settles_it(service: Service) -> None:
    await service.publish(service.topics.cash_application,
                          allocation("inv-so-SO-7", "30.00", date(2026, 3, 5), "C-1"))
    await service.publish(service.topics.sales_inbound, delivered("SO-7"))  # 120.00 EUR
    detail = await registered(service, "inv-so-SO-7", status="partially_paid")
    assert (detail["settled"], detail["outstanding"]) == ("30.00", "90.00")


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (manual_invoice(customer={"customer_id": "C-9", "name": "R", "vat": "IT1"}),
         ["body", "customer", "vat"]),
        (manual_invoice(lines=[{"description": "x", "quantity": "-1", "unit_price": "1",
                                "tax_rate": "20"}]), ["body", "lines", 0, "quantity"]),
        (manual_invoice(lines=[{"description": "x", "quantity": "1", "unit_price": "1",
                                "tax_rate": "20", "currency": "EUR"},
                               {"description": "y", "quantity": "1", "unit_price": "1",
                                "tax_rate": "20", "currency": "USD"}]),
         ["body", "lines", 1, "currency"]),
        (manual_invoice(lines=[{"description": "x", "quantity": 1.5, "unit_price": "1",
                                "tax_rate": "20"}]), ["body", "lines", 0, "quantity"]),
        (manual_invoice(currency="XXX"), ["body", "currency"]),
        (manual_invoice(unexpected=True), ["body", "unexpected"]),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    service: Service, body: dict[str, Any], location: list[Any]
) -> None:
    response = await post(service, "/invoices", body, "k-bad")
    assert response.status_code == 422, response.text
    assert location in [error["loc"] for error in response.json()["errors"]]


async def test_refusals_take_no_invoice_number(service: Service) -> None:
    missing_key = await post(service, "/invoices", manual_invoice(), None)
    assert missing_key.status_code == 422
    free = manual_invoice(lines=[{"description": "x", "quantity": "1", "unit_price": "0",
                                  "tax_rate": "20"}])
    refused = await post(service, "/invoices", free, "k-free")
    assert refused.status_code == 422 and refused.json()["field"] == "lines"
    created = await post(service, "/invoices", manual_invoice(), "k-good")
    assert created.json()["invoice_number"] == "INV-2026-000001"
    unknown = await post(service, "/invoices/inv-nope/credit-notes",
                         {"reason": "x", "issue_date": "2026-03-03"}, "k-x")
    assert unknown.status_code == 404


async def test_concurrent_invoices_get_consecutive_numbers_without_gaps(service: Service) -> None:
    bad = manual_invoice(lines=[{"description": "x", "quantity": "1", "unit_price": "0",
                                 "tax_rate": "0"}])
    requests = [post(service, "/invoices", manual_invoice(), f"k-{n}") for n in range(12)]
    requests += [post(service, "/invoices", bad, f"bad-{n}") for n in range(4)]
    answers = await asyncio.gather(*requests)
    numbers = sorted(a.json()["invoice_number"] for a in answers if a.status_code == 201)
    assert numbers == [f"INV-2026-{n:06d}" for n in range(1, 13)]


async def test_writes_need_the_finance_role_and_reads_a_signed_in_caller(
    service: Service,
) -> None:
    anonymous = await service.http.get("/invoices", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    collector = {"Authorization": f"Bearer {token('collector')}", "Idempotency-Key": "k-c"}
    refused = await service.http.post("/invoices", json=manual_invoice(), headers=collector)
    assert refused.status_code == 403
    auditor = await service.http.get(
        "/invoices", headers={"Authorization": f"Bearer {token('auditor')}"})
    assert auditor.status_code == 200
