"""Read-side reports for dashboards: the customer account view, the worklist and the
dispute register (the ageing report: ageing_report). Amounts are decimal strings; never mixed
across currencies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledgerline_events.contract.collections import DunningLevel
from ledgerline_events.contract.invoice_status import invoice_status
from ledgerline_events.contract.personal_data import Sealed, unseal
from ledgerline_events.runtime.keyring import Keyring

from ..domain.ageing import (
    AgeingBuckets,
    AgeingReport,
    BucketTotals,
    age_open_items,
    days_overdue,
)
from ..domain.worklist import AccountToCollect, prioritize
from .promise_facts import broken_per_account, promises_on
from .read_model import ReadModel


def money(amount: Decimal) -> str:
    return format(amount, "f")


def bucket_figures(t: BucketTotals) -> dict[str, Any]:
    return {"buckets": {k: money(v) for k, v in t.buckets.items()}, "total": money(t.total)}


async def account(
    read: ReadModel, keyring: Keyring, buckets: AgeingBuckets, customer_id: str,
    as_of: datetime, known_at: datetime | None = None,
) -> dict[str, Any] | None:
    """Everything a collector needs about one customer, as it stood at `as_of`: open items
    (as known at `known_at`, if given), letters dated by then (voids included, those dated
    later left out), disputes with their status that day, promises with their status that
    day (derived from payments: broken the day after their date), calls and write-offs."""
    items = await read.open_items(as_of, None, customer_id, known_at)
    report = age_open_items(items, as_of.date(), buckets)
    async with read.connection() as conn:
        profile = await conn.fetchrow("SELECT * FROM customer WHERE customer_id = $1", customer_id)
        if profile is None and not items:
            return None
        sections = {
            name: [_row(r) for r in await conn.fetch(sql, customer_id, as_of)]
            for name, sql in ACCOUNT_SECTIONS.items()
        }
        reminded = await conn.fetch(
            "SELECT ri.* FROM reminded_invoice ri JOIN reminder r USING (reminder_id)"
            " WHERE r.customer_id = $1 ORDER BY ri.invoice_id", customer_id,
        )
        promised = {p.promise.promise_id: p.figures()
                    for p in await promises_on(conn, as_of.date(), [customer_id])}
        key = await keyring.key(conn, customer_id)
    for call in sections["calls"]:  # the name, opened with the key: none once erased
        sealed = call.pop("contact")
        call["contact_person"] = ((unseal(Sealed.model_validate(sealed), key) or "") if sealed
                                  else call["contact_person"])
    for letter in sections["dunning_history"]:
        letter["invoices"] = [_row(r) for r in reminded if r["reminder_id"] == letter["reminder_id"]]
    for promise in sections["promises"]:
        promise.update(promised.get(promise["promise_id"], {}))
    for handover in sections["handovers"]:
        handover["total"] = {"amount": handover["total"], "currency": handover["currency"]}
    return {
        "customer_id": customer_id, "as_of": as_of.isoformat(),
        "known_at": None if known_at is None else known_at.isoformat(),
        "name": profile["name"] if profile else None,
        "language": profile["language"] if profile else None,
        "open_items": _items(report),
        "ageing": {c: bucket_figures(t) for (_, c), t in report.customers.items()},
        **sections,
    }


async def invoice(read: ReadModel, invoice_id: str) -> dict[str, Any] | None:
    """One invoice's open amount, its status and what moved it, by kind of movement."""
    async with read.connection() as conn:
        head = await conn.fetchrow("SELECT * FROM invoice WHERE invoice_id = $1", invoice_id)
        if head is None:
            return None
        moved = {r["kind"]: r["amount"] for r in await conn.fetch(
            "SELECT kind, sum(delta) AS amount FROM invoice_movement WHERE invoice_id = $1 "
            "GROUP BY kind", invoice_id)}
    open_amount = sum(moved.values(), Decimal(0))
    status = invoice_status(
        open_amount=open_amount,
        settled=-moved.get("allocated", 0) - moved.get("allocation_reversed", 0),
        written_off=-moved.get("written_off", 0) - moved.get("recovered", 0),
        cancelled="cancelled" in moved)
    return {"invoice_id": invoice_id, "invoice_number": head["invoice_number"],
            "customer_id": head["customer_id"], "currency": head["currency"],
            "due_date": head["due_date"].isoformat(), "open_amount": money(open_amount),
            "status": status.value, "movements": {k: money(v) for k, v in sorted(moved.items())}}


async def open_items(
    read: ReadModel, buckets: AgeingBuckets, customer_id: str, as_of: datetime,
    known_at: datetime | None, currency: str | None,
) -> dict[str, Any]:
    """One customer's open items and buckets as of `as_of` (none open: an empty list)."""
    items = await read.open_items(as_of, currency, customer_id, known_at)
    report = age_open_items(items, as_of.date(), buckets)
    return {"customer_id": customer_id, "as_of": as_of.isoformat(),
            "known_at": None if known_at is None else known_at.isoformat(),
            "buckets": report.labels, "open_items": _items(report),
            "ageing": {c: bucket_figures(t) for (_, c), t in report.customers.items()}}


def _items(report: AgeingReport) -> list[dict[str, Any]]:
    return [{"invoice_id": i.invoice_id, "invoice_number": i.invoice_number,
             "currency": i.currency, "due_date": i.due_date.isoformat(),
             "open_amount": money(i.open_amount), "days_overdue": days, "bucket": label}
            for i, days, label in report.items]


# $1 customer, $2 the as-of instant: what was there by then, with its status that day.
AS_OF_DAY = "($2 AT TIME ZONE 'UTC')::date"
# How a letter went (the letter post), once it had gone by the as-of instant.
DELIVERY = (" CASE WHEN delivered_at <= $2 THEN delivery END AS delivery,"
            " CASE WHEN delivered_at <= $2 THEN delivered_at END AS delivered_at,"
            " CASE WHEN delivered_at <= $2 THEN delivery_detail END AS delivery_detail")
ACCOUNT_SECTIONS = {
    "dunning_history": "SELECT reminder_id, customer_id, currency, level, run_date, language,"
                       " total, letter, CASE WHEN voided_on <= " + AS_OF_DAY + " THEN voided_on"
                       " END AS voided_on, CASE WHEN voided_on <= " + AS_OF_DAY + " THEN voided_by"
                       " END AS voided_by, CASE WHEN voided_on <= " + AS_OF_DAY + " THEN"
                       " void_reason END AS void_reason," + DELIVERY + " FROM reminder"
                       " WHERE customer_id = $1"
                       " AND run_date <= " + AS_OF_DAY + " ORDER BY run_date, reminder_id",
    "disputes": "SELECT dispute_id, invoice_id, customer_id, amount, currency, reason,"
                " description, opened_on, CASE WHEN resolved_on <= " + AS_OF_DAY + " THEN"
                " 'resolved' ELSE 'open' END AS status, CASE WHEN resolved_on <= " + AS_OF_DAY
                + " THEN outcome END AS outcome, CASE WHEN resolved_on <= " + AS_OF_DAY
                + " THEN note END AS note, CASE WHEN resolved_on <= " + AS_OF_DAY + " THEN"
                " resolved_on END AS resolved_on, d.delivered_on, d.proof_of_delivery FROM dispute"
                " LEFT JOIN invoice_delivery d USING (invoice_id) WHERE customer_id = $1 AND"
                " opened_on <= " + AS_OF_DAY + " ORDER BY opened_on, dispute_id",
    "promises": "SELECT promise_id, customer_id, invoice_ids, amount, currency, promised_date,"
                " recorded_on, recorded_by, status, kept_on, broken_on, amount_short," + DELIVERY
                + " FROM promise WHERE customer_id = $1 AND recorded_on <= " + AS_OF_DAY
                + " ORDER BY recorded_on, promise_id",
    "calls": "SELECT * FROM call_log WHERE customer_id = $1 AND called_at <= $2"
             " ORDER BY called_at, call_id",
    "write_offs": "SELECT * FROM write_off WHERE customer_id = $1 AND written_off_on <= "
                  + AS_OF_DAY + " ORDER BY written_off_on, write_off_id",
    "invoice_copies": "SELECT copy_id, invoice_id, requested_by, reason, requested_at,"
                      + DELIVERY + " FROM invoice_copy WHERE customer_id = $1"
                      " AND requested_at <= $2 ORDER BY requested_at, copy_id",
    "handovers": "SELECT handover_id, currency, agency, invoice_ids, total, handed_over_on,"
                 " decided_by FROM agency_handover WHERE customer_id = $1"
                 " AND handed_over_on <= " + AS_OF_DAY + " ORDER BY handed_over_on, handover_id",
}


def _row(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in dict(record).items():
        if isinstance(value, Decimal):
            out[key] = money(value)
        elif isinstance(value, date | datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


async def disputes(read: ReadModel, status: str | None) -> list[dict[str, Any]]:
    async with read.connection() as conn:
        rows = await conn.fetch(
            "SELECT dispute.*, d.delivered_on, d.proof_of_delivery FROM dispute"
            " LEFT JOIN invoice_delivery d USING (invoice_id)"
            " WHERE ($1::text IS NULL OR status = $1) ORDER BY opened_on, dispute_id", status,
        )
    return [_row(r) for r in rows]


async def worklist(read: ReadModel, now: datetime) -> list[dict[str, Any]]:
    """Accounts with undisputed overdue amounts, most urgent first (see domain.worklist)."""
    today = now.date()
    items = await read.open_items(now)
    async with read.connection() as conn:
        disputed = {r["invoice_id"] for r in await conn.fetch(
            "SELECT invoice_id FROM dispute WHERE status = 'open'")}
        broken = broken_per_account(await promises_on(conn, today))
        levels = {(r["customer_id"], r["currency"]): DunningLevel(r["level"]) for r in await conn.fetch(
            "SELECT DISTINCT ON (customer_id, currency) customer_id, currency, level"
            " FROM reminder ORDER BY customer_id, currency, run_date DESC, reminder_id DESC")}
    accounts: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for i in items:
        days = days_overdue(i.due_date, today)
        if days <= 0 or i.open_amount <= 0 or i.invoice_id in disputed:
            continue
        amount, oldest = accounts.get((i.customer_id, i.currency), (Decimal(0), 0))
        accounts[(i.customer_id, i.currency)] = (amount + i.open_amount, max(oldest, days))
    ranked = prioritize(
        AccountToCollect(c, cur, amount, oldest, broken.get((c, cur), 0), levels.get((c, cur)))
        for (c, cur), (amount, oldest) in accounts.items()
    )
    return [
        {"customer_id": a.customer_id, "currency": a.currency, "score": money(score),
         "overdue_amount": money(a.overdue_amount), "oldest_days_overdue": a.oldest_days_overdue,
         "broken_promises": a.broken_promises,
         "dunning_level": a.dunning_level.value if a.dunning_level else None}
        for a, score in ranked
    ]


async def letter_text(read: ReadModel, reminder_id: str) -> str | None:
    """The letter as its ReminderSent event said it."""
    async with read.connection() as conn:
        letter: str | None = await conn.fetchval(
            "SELECT letter FROM reminder WHERE reminder_id = $1", reminder_id)
    return letter


async def deliveries(read: ReadModel, invoice_ids: list[str]) -> list[dict[str, Any]]:
    """What proves each of these invoices' goods arrived (none for a manual invoice)."""
    async with read.connection() as conn:
        rows = await conn.fetch("SELECT * FROM invoice_delivery WHERE invoice_id = ANY($1)"
                                " ORDER BY invoice_id", invoice_ids)
    return [_row(r) for r in rows]


async def history(read: ReadModel, customer_id: str, as_of: datetime, limit: int
                  ) -> dict[str, Any]:
    """Who did what on the customer's account up to `as_of`, the latest first."""
    async with read.connection() as conn:
        rows = await conn.fetch(
            "SELECT occurred_at, recorded_at, event_type, reference, actor, actor_kind, "
            "actor_roles FROM customer_history WHERE customer_id = $1 AND occurred_at <= $2 "
            "ORDER BY occurred_at DESC, recorded_at DESC LIMIT $3", customer_id, as_of, limit)
    return {"customer_id": customer_id, "as_of": as_of, "entries": [dict(r) for r in rows]}
