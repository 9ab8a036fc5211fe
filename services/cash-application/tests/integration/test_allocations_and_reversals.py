"""Manual allocation, unallocation, payment reversal and refunds, with the AR invariant after
each scenario; concurrent allocations never over-allocate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import DebtWrittenOff, WrittenOffDebtRecovered
from ledgerline_events.contract.invoicing import CreditNoteIssued

pytestmark = pytest.mark.integration


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def pay(service: Any, amount: str, customer: str | None = None, remittance: str = "",
              headers: dict[str, str] | None = None) -> Any:
    body = {"amount": eur(amount), "received_on": "2026-03-05", "remittance": remittance}
    if customer:
        body["customer_id"] = customer
    r = await service.client.post("/payments", json=body, headers=headers or key())
    assert r.status_code == 201, r.text
    return r.json()


async def test_reversing_a_payment_reopens_its_invoices(service: Any, unique_id: str) -> None:
    c = f"C-{unique_id}"
    await service.issue_invoice(c, "A-1", "100.00", due=date(2026, 2, 1))
    await service.issue_invoice(c, "A-2", "300.00")
    await service.wait_invoices(c, 2)
    payment = await pay(service, "250.00", c)  # no exact/combination: oldest first
    assert [a["match_reason"] for a in payment["allocations"]] == ["oldest_first"] * 2
    assert await service.open_items(c) == {"A-2": Decimal("150.00")}
    await service.assert_ar_invariant([c])

    r = await service.client.post(f"/payments/{payment['payment_id']}/reverse",
                                  json={"reason": "bounced"}, headers=key())
    assert r.status_code == 200, r.text
    assert r.json()["allocations_reversed"] == 2
    assert await service.open_items(c) == {"A-1": Decimal("100.00"), "A-2": Decimal("300.00")}
    detail = (await service.client.get(f"/payments/{payment['payment_id']}")).json()
    assert detail["reversed"] and detail["unapplied"]["amount"] == "0.00"
    assert all(not a["live"] for a in detail["allocations"])
    r = await service.client.post(f"/payments/{payment['payment_id']}/reverse",
                                  json={"reason": "again"}, headers=key())
    assert r.status_code == 409 and r.json()["rule"] == "payment_reversed"
    published = await service.published(
        lambda es: any(e.event_type == "cash-application.PaymentReversed" for e in es))
    assert [e.event_type.split(".")[1] for e in published][-3:] == [
        "AllocationReversed", "AllocationReversed", "PaymentReversed"]
    await service.assert_ar_invariant([c])


async def test_unapplied_cash_allocated_by_hand_then_refunded(
    service: Any, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "B-1", "80.00")
    await service.wait_invoices(c, 1)
    payment = await pay(service, "200.00", remittance="no idea")  # unidentified payer
    assert payment["outcome"] == "unidentified_payer"
    pid = payment["payment_id"]
    refused = await service.client.post(f"/payments/{pid}/refunds",
                                        json={"amount": eur("1.00"), "reason": "x"}, headers=key())
    assert refused.status_code == 409 and refused.json()["rule"] == "payer_unidentified"

    r = await service.client.post(f"/payments/{pid}/allocations",
                                  json={"invoice_id": invoice_id, "amount": eur("80.00")},
                                  headers=key())
    assert r.status_code == 201, r.text
    allocation_id = r.json()["allocation_id"]
    assert await service.open_items(c) == {}
    too_much = await service.client.post(f"/payments/{pid}/refunds",
                                         json={"amount": eur("120.01"), "reason": "x"},
                                         headers=key())
    assert too_much.status_code == 409 and too_much.json()["rule"] == "exceeds_unapplied"
    r = await service.client.post(f"/payments/{pid}/refunds",
                                  json={"amount": eur("20.00"), "reason": "asked"}, headers=key())
    assert r.status_code == 201, r.text
    await service.assert_ar_invariant([c])

    r = await service.client.delete(f"/payments/{pid}/allocations/{allocation_id}",
                                    params={"reason": "wrong invoice"}, headers=key())
    assert r.status_code == 200, r.text
    assert await service.open_items(c) == {"B-1": Decimal("80.00")}
    again = await service.client.delete(f"/payments/{pid}/allocations/{allocation_id}",
                                        headers=key())
    assert again.status_code == 409
    detail = (await service.client.get(f"/payments/{pid}")).json()
    assert detail["customer_id"] == c and detail["unapplied"]["amount"] == "180.00"
    queue = (await service.client.get("/unapplied")).json()["payments"]
    assert [p["payment_id"] for p in queue] == [pid]
    await service.assert_ar_invariant([c])


async def test_credit_notes_and_write_offs_change_open_amounts(
    service: Any, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "D-1", "500.00")
    await service.publish(service.topics.invoicing, CreditNoteIssued(
        credit_note_id="cn-1", credit_note_number="CN-1", invoice_id=invoice_id,
        amount=Money.of("100.00", "EUR"), reason="return", issue_date="2026-03-02"),
        c, invoice_id, 2)
    await service.publish(service.topics.collections, DebtWrittenOff(
        write_off_id="wo-1", invoice_id=invoice_id, amount=Money.of("150.00", "EUR"),
        reason="insolvent", approver="cfo", written_off_on="2026-03-03"), c, "wo-1")

    async def settled() -> bool:
        return await service.open_items(c) == {"D-1": Decimal("250.00")}
    await service.wait_for(settled)
    payment = await pay(service, "250.00", c)
    assert payment["allocations"][0]["match_reason"] == "exact_amount"
    await service.publish(service.topics.collections, WrittenOffDebtRecovered(
        recovery_id="rc-1", write_off_id="wo-1", invoice_id=invoice_id,
        amount=Money.of("150.00", "EUR"), recovered_on="2026-03-04"), c, "wo-1", 2)

    async def recovered() -> bool:
        return await service.open_items(c) == {"D-1": Decimal("150.00")}
    await service.wait_for(recovered)
    await service.assert_ar_invariant([c])


async def test_concurrent_manual_allocations_never_over_allocate(
    service: Any, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    payments = [(await pay(service, "100.00", c))["payment_id"] for _ in range(3)]
    invoices = [await service.issue_invoice(c, f"E-{n}", "90.00") for n in range(2)]
    await service.wait_invoices(c, 2)

    async def allocate(payment_id: str, invoice_id: str) -> int:
        r = await service.client.post(f"/payments/{payment_id}/allocations",
                                      json={"invoice_id": invoice_id, "amount": eur("35.00")},
                                      headers=key())
        assert r.status_code in (201, 409), r.text
        return r.status_code

    codes = await asyncio.gather(*(allocate(p, i) for p in payments for i in invoices
                                   for _ in range(4)))
    # 2 invoices x 90 take at most 2 x 35 each; 3 payments x 100 at most 2 x 35 each.
    assert codes.count(201) == 4
    for payment_id in payments:
        detail = (await service.client.get(f"/payments/{payment_id}")).json()
        assert Decimal(detail["unapplied"]["amount"]) >= 0
    assert await service.open_items(c) == {"E-0": Decimal("20.00"), "E-1": Decimal("20.00")}
    await service.assert_ar_invariant([c])


async def test_bad_requests_name_field_and_rule(service: Any, unique_id: str) -> None:
    c = f"C-{unique_id}"
    missing_key = await service.client.post(
        "/payments", json={"amount": eur("1.00"), "received_on": "2026-03-05"})
    assert missing_key.status_code == 422
    float_amount = await service.client.post(
        "/payments", json={"amount": {"amount": 1.5, "currency": "EUR"},
                           "received_on": "2026-03-05"}, headers=key())
    assert float_amount.status_code == 422
    negative = await service.client.post(
        "/payments", json={"amount": eur("-1.00"), "received_on": "2026-03-05"}, headers=key())
    assert negative.status_code == 422 and negative.json()["field"] == "amount"
    unknown = await service.client.post("/payments/nope/allocations",
                                        json={"invoice_id": "x", "amount": eur("1.00")},
                                        headers=key())
    assert unknown.status_code == 404
    payment = await pay(service, "10.00", c)
    no_invoice = await service.client.post(f"/payments/{payment['payment_id']}/allocations",
                                           json={"invoice_id": "x", "amount": eur("1.00")},
                                           headers=key())
    assert no_invoice.status_code == 422 and no_invoice.json()["rule"] == "unknown_invoice"


async def test_same_idempotency_key_returns_the_first_payment(
    service: Any, unique_id: str
) -> None:
    headers = key()
    first = await pay(service, "10.00", f"C-{unique_id}", headers=headers)
    again = await pay(service, "10.00", f"C-{unique_id}", headers=headers)
    assert first == again
    other = await service.client.post("/payments", headers=headers, json={
        "amount": eur("11.00"), "received_on": "2026-03-05"})
    assert other.status_code == 422
