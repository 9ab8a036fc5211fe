"""An auditor asks who did what to one invoice: `ledgerline export audit-trail` reads every event
of it from the log, with its time, who acted (the finance user who credited it, the component
that cleared the credit) and its effect on the balance, as CSV and as a PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from ledgerline_events.contract import new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)
from ledgerline_events.testing import eventually

from .cli_run import ledgerline
from .stack import bearer, running_stack

pytestmark = pytest.mark.integration


async def test_the_audit_trail_of_an_invoice_names_who_acted_and_what_it_did_to_the_balance(
    kafka_bootstrap: str, pg_dsn: str, schema_prefix: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with running_stack(kafka_bootstrap, pg_dsn, schema_prefix.rstrip("_")) as stack:
        order = OrderDelivered(
            order_id="SO-AUD-1", customer=Customer(customer_id="C-AUD", name="Audit Ltd"),
            currency="EUR", payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
            lines=[OrderLine(sku="W", description="widgets", quantity=Decimal(1),
                             unit_price=Decimal("500.00"), tax_rate=Decimal(20))],
            delivered_on=date(2026, 9, 1))
        await stack.services.publish_sales([new_envelope(
            order, aggregate_id="order-SO-AUD-1", aggregate_version=1, customer_id="C-AUD",
            producer="erp", occurred_at=datetime(2026, 9, 1, 9, tzinfo=UTC))])
        invoicing = stack.services.invoicing

        async def issued() -> str | None:
            found = (await invoicing.get("/invoices", params={"customer_id": "C-AUD"})).json()
            rows = found["invoices"] if isinstance(found, dict) else found
            return str(rows[0]["invoice_id"]) if rows else None
        invoice_id = await eventually(issued)
        credited = await invoicing.post(
            f"/invoices/{invoice_id}/credit-notes", headers={
                **bearer("fay@finance.example", "finance"), "Idempotency-Key": "aud-cn"},
            json={"amount": {"amount": "100.00", "currency": "EUR"},
                  "reason": "damaged on delivery", "issue_date": "2026-09-10"})
        assert credited.status_code == 201, credited.text

        async def cleared() -> bool:
            found = (await invoicing.get(f"/invoices/{invoice_id}")).json()
            return bool(found["credited"] == "100.00")
        await eventually(cleared)

        out = tmp_path / "trail.csv"
        ran = await ledgerline(capsys, stack.env, "export", "audit-trail", "--customer", "C-AUD",
                               "--invoice", invoice_id, "--format", "csv", "--output", str(out))
        assert ran.returncode == 0, ran.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        by_type = {r["event_type"]: r for r in rows}
        assert by_type["invoicing.InvoiceIssued"]["effect"] == "600.00"
        note = by_type["invoicing.CreditNoteIssued"]
        assert (note["actor"], note["actor_kind"], note["actor_roles"]) == (
            "fay@finance.example", "caller", "finance")
        applied = by_type["cash-application.CreditNoteApplied"]
        assert (applied["actor"], applied["actor_kind"], applied["effect"], applied["balance"]) == (
            "cash-application", "component", "-100.00", "500.00")
        assert [r["balance"] for r in rows if r["balance"]][-1] == "500.00"

        pdf = tmp_path / "trail.pdf"
        ran = await ledgerline(capsys, stack.env, "export", "audit-trail", "--invoice", invoice_id,
                               "--format", "pdf", "--output", str(pdf))
        assert ran.returncode == 0, ran.stderr
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert f"AUDIT TRAIL: {invoice_id}" in text and "fay@finance.example" in text
        assert "damaged on delivery" in text

        refused = await ledgerline(capsys, stack.env, "export", "audit-trail", "--format", "csv")
        assert refused.returncode == 2
