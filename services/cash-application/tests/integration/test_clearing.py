"""Clearing has one owner: credit notes, write-offs and allocations racing on one invoice never
take it below zero; the excess of a credit note is credit on account, usable and refundable;
past-dated work is dated in business time (docs/clearing.md)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.invoicing import CreditNoteIssued

from .conftest import NOW, Service

pytestmark = pytest.mark.integration


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def day(month: int, d: int) -> datetime:
    return datetime(2026, month, d, 9, tzinfo=UTC)


async def credit_note(service: Service, customer: str, invoice_id: str, amount: str,
                      at: datetime = NOW) -> str:
    note_id = f"cn-{uuid.uuid4().hex[:8]}"
    await service.publish(service.topics.invoicing, CreditNoteIssued(
        credit_note_id=note_id, credit_note_number=f"CN-{note_id}", invoice_id=invoice_id,
        amount=Money.of(amount, "EUR"), reason="returned goods", issue_date=at.date()),
        customer, invoice_id, 2, at=at)
    return note_id


async def write_off(service: Service, customer: str, invoice_id: str, amount: str,
                    at: datetime = NOW) -> None:
    write_off_id = f"wo-{uuid.uuid4().hex[:8]}"
    await service.publish(service.topics.collections, DebtWrittenOff(
        write_off_id=write_off_id, invoice_id=invoice_id, amount=Money.of(amount, "EUR"),
        reason="insolvent", approver="cfo", written_off_on=at.date()), customer, write_off_id,
        at=at)


async def invoice_view(service: Service, invoice_id: str) -> dict[str, Any]:
    r = await service.client.get(f"/invoices/{invoice_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def all_decided(service: Service, invoice_id: str, documents: int) -> None:
    async def decided() -> bool:
        found = (await invoice_view(service, invoice_id))["documents"]
        return len(found) == documents and all(d["decided"] for d in found)
    await service.wait_for(decided)


async def balance(service: Service, customer: str, **params: str) -> dict[str, Any]:
    r = await service.client.get(f"/customers/{customer}/balance", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json()["currencies"][0])


async def test_a_credit_note_after_a_full_write_off_is_all_credit_on_account(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "W-1", "300.00")
    await service.wait_invoices(c, 1)
    for _ in range(3):
        await write_off(service, c, invoice_id, "100.00")
    await all_decided(service, invoice_id, 3)
    await credit_note(service, c, invoice_id, "300.00")
    await all_decided(service, invoice_id, 4)
    view = await invoice_view(service, invoice_id)
    assert view["open_amount"] == eur("0.00") and view["status"] == "written_off"
    assert (await balance(service, c))["unapplied_cash"] == eur("300.00")
    assert await service.open_items(c) == {}
    await service.assert_ar_invariant([c])


async def test_an_allocation_a_credit_note_and_a_write_off_racing_settle_at_most_the_invoice(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    payment = (await service.client.post("/payments", headers=key(), json={
        "amount": eur("100.00"), "received_on": "2026-03-05", "customer_id": c,
        "remittance": "nothing to match"})).json()
    invoice_id = await service.issue_invoice(c, "R-1", "100.00")
    await service.wait_invoices(c, 1)

    async def allocate() -> int:
        r = await service.client.post(f"/payments/{payment['payment_id']}/allocations",
                                      headers=key(), json={"invoice_id": invoice_id,
                                                           "amount": eur("100.00")})
        return r.status_code
    code, *_ = await asyncio.gather(allocate(), credit_note(service, c, invoice_id, "100.00"),
                                    write_off(service, c, invoice_id, "100.00"))
    await all_decided(service, invoice_id, 2)
    view = await invoice_view(service, invoice_id)
    figures = view["figures"]
    taken = sum(Decimal(figures[k]["amount"]) for k in ("allocated", "credited", "written_off"))
    assert taken == Decimal("100.00") and view["open_amount"] == eur("0.00")
    # Whatever lost the race: the credit note's rest is on account, the write-off's is void.
    unapplied = Decimal((await balance(service, c))["unapplied_cash"]["amount"])
    credited = Decimal(figures["credited"]["amount"])
    allocated = Decimal(figures["allocated"]["amount"])
    assert unapplied == (100 - credited) + (100 - allocated)
    assert code in (201, 409)
    await service.assert_ar_invariant([c])


async def test_credit_on_account_from_a_credit_note_pays_another_invoice_and_is_refunded(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    first = await service.issue_invoice(c, "X-1", "200.00")
    second = await service.issue_invoice(c, "X-2", "50.00")
    await service.wait_invoices(c, 2)
    note_id = await credit_note(service, c, first, "300.00")
    await all_decided(service, first, 1)
    credit = (await balance(service, c))["credit_sources"]
    assert [(s["payment_id"], s["unapplied"]) for s in credit] == [(f"CR-{note_id}",
                                                                     eur("100.00"))]
    used = await service.client.post(f"/payments/CR-{note_id}/allocations", headers=key(),
                                     json={"invoice_id": second, "amount": eur("50.00")})
    assert used.status_code == 201, used.text
    refunded = await service.client.post(f"/customers/{c}/refunds", headers=key(),
                                         json={"amount": eur("50.00"), "reason": "returned"})
    assert refunded.status_code == 201, refunded.text
    too_much = await service.client.post(f"/customers/{c}/refunds", headers=key(),
                                         json={"amount": eur("0.01"), "reason": "again"})
    assert too_much.status_code == 409 and too_much.json()["rule"] == "exceeds_credit"
    assert await service.open_items(c) == {}
    await service.assert_ar_invariant([c])


async def test_a_bounced_payment_entered_late_reopens_the_invoice_as_of_its_bounce(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "B-1", "100.00", issued=date(2026, 2, 1),
                                             at=day(2, 1))
    await service.wait_invoices(c, 1)
    paid = (await service.client.post("/payments", headers=key(), json={
        "amount": eur("80.00"), "received_on": "2026-02-10", "customer_id": c,
        "remittance": "B-1"})).json()
    assert paid["allocations"][0]["invoice_id"] == invoice_id
    reversed_ = await service.client.post(f"/payments/{paid['payment_id']}/reverse",
                                          headers=key(), json={
                                              "reason": "bounced",
                                              "occurred_at": "2026-02-20T09:00:00Z"})
    assert reversed_.status_code == 200, reversed_.text
    as_of = {"as_of": "2026-02-28T23:59:59Z"}
    assert (await balance(service, c, **as_of))["balance"] == eur("100.00")
    before = await balance(service, c, as_of="2026-02-15T00:00:00Z")
    assert before["balance"] == eur("20.00")  # the payment, dated when it was received
    detail = (await service.client.get(f"/payments/{paid['payment_id']}")).json()
    assert detail["allocations"][0]["allocated_on"] == "2026-02-10"


async def test_past_dated_commands_are_refused_before_their_payment_or_in_the_future(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "G-1", "100.00")
    await service.wait_invoices(c, 1)
    paid = (await service.client.post("/payments", headers=key(), json={
        "amount": eur("10.00"), "received_on": "2026-03-05", "customer_id": c,
        "remittance": "nothing"})).json()
    early = await service.client.post(f"/payments/{paid['payment_id']}/allocations",
                                      headers=key(), json={
                                          "invoice_id": invoice_id, "amount": eur("5.00"),
                                          "occurred_at": "2026-03-01T00:00:00Z"})
    assert early.status_code == 422
    assert (early.json()["rule"], early.json()["field"]) == ("before_payment", "occurred_at")
    future = await service.client.post(f"/payments/{paid['payment_id']}/refunds",
                                       headers=key(), json={
                                           "amount": eur("5.00"), "reason": "x",
                                           "occurred_at": "2026-04-01T00:00:00Z"})
    assert future.status_code == 422 and future.json()["rule"] == "not_in_the_future"


async def test_a_backdated_credit_note_never_makes_an_earlier_day_negative(
    service: Service, unique_id: str
) -> None:
    c = f"C-{unique_id}"
    invoice_id = await service.issue_invoice(c, "K-1", "100.00", issued=date(2026, 2, 1),
                                             at=day(2, 1))
    await service.wait_invoices(c, 1)
    paid = (await service.client.post("/payments", headers=key(), json={
        "amount": eur("100.00"), "received_on": "2026-02-10", "customer_id": c,
        "remittance": "K-1"})).json()
    allocation = paid["allocations"][0]["allocation_id"]
    undone = await service.client.delete(
        f"/payments/{paid['payment_id']}/allocations/{allocation}", headers=key(),
        params={"reason": "wrong invoice", "occurred_at": "2026-02-20T09:00:00Z"})
    assert undone.status_code == 200, undone.text
    await credit_note(service, c, invoice_id, "100.00", at=day(2, 5))
    await all_decided(service, invoice_id, 1)
    for as_of in ("2026-02-06", "2026-02-12", "2026-02-25", "2026-03-06"):
        items = (await service.client.get(f"/customers/{c}/open-items",
                                          params={"as_of": f"{as_of}T23:00:00Z"})).json()
        assert all(Decimal(i["open_amount"]["amount"]) >= 0 for i in items["open_items"])
    view = await invoice_view(service, invoice_id)
    assert view["documents"][0]["applied"] == eur("0.00")  # nothing was open on 02-10..02-20
    assert (await balance(service, c))["unapplied_cash"] == eur("200.00")
