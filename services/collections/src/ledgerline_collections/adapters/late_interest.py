"""Reading what late-payment interest needs from the read model (the invoice, its dated
movements, its disputes, its customer, the reference rates) and working it out as of a date
(domain/late_interest.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import asyncpg

from ledgerline_events.contract.refusals import StateConflict
from ledgerline_events.contract.sales import Customer, Language
from ledgerline_events.runtime import EventStore

from ..domain.late_interest import (
    Accrual,
    Period,
    ReferenceRate,
    late_interest,
    policy_for,
    settled_of,
    unsettled,
)
from .read_model import ReadModel


@dataclass(frozen=True)
class InvoiceInterest:
    invoice_id: str
    invoice_number: str
    customer: Customer  # as its latest invoice named it
    country: str | None  # None: recorded before the read model kept it (the directive applies)
    currency: str
    due_date: date
    as_of: date
    margin: Decimal
    accrual: Accrual

    def earned(self) -> dict[str, Any]:
        """The figures of an account view's line."""
        return {k: v for k, v in self.answer().items()
                if k in ("invoice_id", "days_accrued", "interest", "indemnity", "total")}

    def answer(self) -> dict[str, Any]:
        money = {"currency": self.currency}
        return {"invoice_id": self.invoice_id, "invoice_number": self.invoice_number,
                "customer_id": self.customer.customer_id, "country": self.country,
                "due_date": self.due_date.isoformat(), "as_of": self.as_of.isoformat(),
                "margin_points": format(self.margin, "f"),
                "days_accrued": self.accrual.days_accrued,
                "interest": {**money, "amount": format(self.accrual.interest, "f")},
                "indemnity": {**money, "amount": format(self.accrual.indemnity, "f")},
                "total": {**money, "amount": format(self.accrual.total, "f")}}


async def invoice_interest(read: ReadModel, invoice_id: str, as_of: date
                           ) -> InvoiceInterest | None:
    """The interest and indemnity the invoice had earned by the end of `as_of`; None if unknown."""
    async with read.connection() as conn:
        return await _interest_on(conn, invoice_id, as_of, await _rates(conn))


async def _rates(conn: asyncpg.Connection) -> list[ReferenceRate]:
    return [ReferenceRate(r["valid_from"], r["rate"])
            for r in await conn.fetch("SELECT valid_from, rate FROM reference_rate")]


async def _interest_on(conn: asyncpg.Connection, invoice_id: str, as_of: date,
                       rates: list[ReferenceRate]) -> InvoiceInterest | None:
    end_of_day = datetime.combine(as_of, time.max, tzinfo=UTC)
    invoice = await conn.fetchrow(
        "SELECT i.invoice_id, i.invoice_number, i.customer_id, i.currency, i.due_date, "
        "c.country, c.name, c.language FROM invoice i LEFT JOIN customer c "
        "USING (customer_id) WHERE i.invoice_id = $1", invoice_id)
    if invoice is None:
        return None
    moved = await conn.fetch(
        "SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, delta FROM invoice_movement "
        "WHERE invoice_id = $1 AND occurred_at <= $2", invoice_id, end_of_day)
    disputed = await conn.fetch(
        "SELECT opened_on, resolved_on FROM dispute WHERE invoice_id = $1 AND opened_on <= $2",
        invoice_id, as_of)
    terms = await conn.fetchrow("SELECT agreed_rate, charged FROM interest_terms "
                                "WHERE customer_id = $1", invoice["customer_id"])
    policy = policy_for(invoice["country"] or "")
    if terms is not None:  # the contract's own terms
        policy = replace(policy, agreed_rate=terms["agreed_rate"], charged=terms["charged"])
    accrual = late_interest(
        invoice["due_date"], [(m["day"], m["delta"]) for m in moved], as_of, invoice["currency"],
        rates, policy,
        [Period(d["opened_on"], d["resolved_on"] if d["resolved_on"] and d["resolved_on"] <= as_of
                else None) for d in disputed])
    customer = Customer(customer_id=invoice["customer_id"],
                        name=invoice["name"] or invoice["customer_id"],
                        language=Language(invoice["language"] or "en"),
                        country=invoice["country"] or "GB")
    return InvoiceInterest(invoice_id, invoice["invoice_number"], customer, invoice["country"],
                           invoice["currency"], invoice["due_date"], as_of, policy.margin, accrual)


async def has_reference_rates(conn: asyncpg.Connection) -> bool:
    """Interest is worked out only once finance has recorded a reference rate."""
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM reference_rate)"))


async def earned_by(read: ReadModel, invoice_ids: list[str], as_of: date
                    ) -> list[InvoiceInterest]:
    """What each of these invoices earned by `as_of` (those that earned something); none at
    all when the reference rates do not cover the period."""
    earned = []
    async with read.connection() as conn:  # one connection, the rates read once
        rates = await _rates(conn)
        for invoice_id in invoice_ids:
            try:
                found = await _interest_on(conn, invoice_id, as_of, rates)
            except StateConflict:
                return []
            if found is not None and found.accrual.total:
                earned.append(found)
    return earned


async def not_yet_invoiced(read: ReadModel, store: EventStore, customer_id: str, as_of: date
                           ) -> list[dict[str, Any]]:
    """Per invoice of the customer, the interest and indemnity earned by `as_of` that no claim
    or waiver up to that day took (what its statement shows beside the balance); none when
    the reference rates do not cover the period."""
    async with read.connection() as conn:
        invoice_ids = [r["invoice_id"] for r in await conn.fetch(
            "SELECT invoice_id FROM invoice WHERE customer_id = $1 AND due_date < $2 "
            "ORDER BY due_date, invoice_id", customer_id, as_of)]
    earned = await earned_by(read, invoice_ids, as_of)
    async with read.connection() as conn:
        streams = await store.load_streams(conn, [f"late-interest:{e.invoice_id}" for e in earned])
    due = []
    for found in earned:
        history = streams.get(f"late-interest:{found.invoice_id}", [])
        settled = settled_of((e.payload for e in history), up_to=as_of)
        interest, indemnity = unsettled(found.accrual, settled)
        if interest or indemnity:
            due.append({**found.earned(), "invoice_number": found.invoice_number,
                        "interest": {"amount": format(interest, "f"), "currency": found.currency},
                        "indemnity": {"amount": format(indemnity, "f"),
                                      "currency": found.currency},
                        "total": {"amount": format(interest + indemnity, "f"),
                                  "currency": found.currency}})
    return due
