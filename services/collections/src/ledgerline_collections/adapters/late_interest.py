"""Reading what late-payment interest needs from the read model (the invoice, its dated
movements, its disputes, the customer's country, the reference rates) and working it out as of
a date (domain/late_interest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from ..domain.late_interest import Period, ReferenceRate, late_interest, policy_for
from .read_model import ReadModel


async def invoice_interest(read: ReadModel, invoice_id: str, as_of: date) -> dict[str, Any] | None:
    """The interest and indemnity the invoice had earned by the end of `as_of`; None if unknown."""
    end_of_day = datetime.combine(as_of, time.max, tzinfo=UTC)
    async with read.connection() as conn:
        invoice = await conn.fetchrow(
            "SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date, "
            "c.country FROM invoice i LEFT JOIN customer c USING (customer_id) "
            "WHERE i.invoice_id = $1", invoice_id)
        if invoice is None:
            return None
        moved = await conn.fetch(
            "SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, delta FROM invoice_movement "
            "WHERE invoice_id = $1 AND occurred_at <= $2", invoice_id, end_of_day)
        disputed = await conn.fetch(
            "SELECT opened_on, resolved_on FROM dispute WHERE invoice_id = $1 AND opened_on <= $2",
            invoice_id, as_of)
        rates = await conn.fetch("SELECT valid_from, rate FROM reference_rate")
    policy = policy_for(invoice["country"] or "")
    accrual = late_interest(
        invoice["due_date"], [(m["day"], m["delta"]) for m in moved], as_of, invoice["currency"],
        [ReferenceRate(r["valid_from"], r["rate"]) for r in rates], policy,
        [Period(d["opened_on"], d["resolved_on"] if d["resolved_on"] and d["resolved_on"] <= as_of
                else None) for d in disputed])
    money = {"currency": invoice["currency"]}
    return {"invoice_id": invoice_id, "invoice_number": invoice["invoice_number"],
            "customer_id": invoice["customer_id"], "country": invoice["country"],
            "due_date": invoice["due_date"].isoformat(), "as_of": as_of.isoformat(),
            "margin_points": format(policy.margin, "f"), "days_accrued": accrual.days_accrued,
            "interest": {**money, "amount": format(accrual.interest, "f")},
            "indemnity": {**money, "amount": format(accrual.indemnity, "f")},
            "total": {**money, "amount": format(accrual.total, "f")}}
