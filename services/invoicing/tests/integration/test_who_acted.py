"""For the auditor: every event names who made it happen, and the invoice's history says it.
A credit note made with a finance user's token carries that user; what cash application
decided carries cash application; an invoice a sale made carries the sales intake."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_events.contract.cash_application import CreditNoteApplied
from ledgerline_events.contract.money import Money
from ledgerline_events.runtime.auth import mint_token

from .invoicing_service import SECRET, Service, read_topic
from .test_invoice_api import cleared, manual_invoice, post, registered

pytestmark = pytest.mark.integration


async def test_a_credit_note_made_with_a_finance_token_names_that_user_in_event_and_history(
    service: Service,
) -> None:
    created = await post(service, "/invoices", manual_invoice(), "who-1")
    invoice_id = created.json()["invoice_id"]
    await registered(service, invoice_id, status="open")
    fay = mint_token(SECRET, "fay@finance.example", ["finance"])
    credited = await service.http.post(
        f"/invoices/{invoice_id}/credit-notes",
        json={"amount": {"amount": "20.00", "currency": "EUR"}, "reason": "price correction",
              "issue_date": "2026-03-15"},
        headers={"Idempotency-Key": "who-2", "Authorization": f"Bearer {fay}"})
    assert credited.status_code == 201, credited.text
    await service.publish(service.topics.cash_application, cleared(CreditNoteApplied(
        credit_note_id=credited.json()["credit_note_id"], credit_note_number="CN-2026-000001",
        invoice_id=invoice_id, credit_id="CR-1", amount=Money.of("20.00", "EUR"),
        applied=Money.of("20.00", "EUR"), to_account=Money.of("0.00", "EUR"),
        applied_on=date(2026, 3, 15)), date(2026, 3, 15)))

    log = [body for _, body in await read_topic(service.settings.kafka_bootstrap,
                                                 service.topics.invoicing, at_least=2)]
    [note] = [e for e in log if e["event_type"] == "invoicing.CreditNoteIssued"]
    assert note["actor"] == {"kind": "caller", "subject": "fay@finance.example",
                             "roles": ["finance"]}
    [issued] = [e for e in log if e["event_type"] == "invoicing.InvoiceIssued"]
    assert issued["actor"]["kind"] == "caller" and issued["envelope_version"] == 2

    detail = await registered(service, invoice_id, credited="20.00")
    who: dict[str, Any] = {h["kind"]: (h["actor"], h["actor_kind"]) for h in detail["history"]}
    assert who["credit_note"] == ("fay@finance.example", "caller")
    assert who["credited"] == ("cash-application", "component")  # its own clearing decision
    assert Decimal(detail["outstanding"]) == Decimal("100.00")
