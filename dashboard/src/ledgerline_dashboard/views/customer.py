"""A customer's collections account: open items with ageing, dunning letters, disputes,
promises, calls and write-offs, from collections' `GET /customers/{id}`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ..money import format_money, to_decimal
from .labels import bucket_label, humanize


@dataclass(frozen=True)
class OpenItem:
    invoice_number: str
    invoice_id: str
    currency: str
    due_date: str
    days_overdue: str
    bucket: str
    open_amount: str
    overdue: bool


@dataclass(frozen=True)
class Letter:
    run_date: str
    level: str
    currency: str
    total: str
    invoices: int
    text: str
    voided: str = ""  # "voided on D by X: reason" for a letter sent in error
    reminder_id: str = ""
    delivery: str = ""  # emailed, print, retrying, failed, in_doubt; "" before the letter post
    delivery_detail: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str
    working_hours: str
    preferred: str


@dataclass(frozen=True)
class Line:
    """One row of a small history table: a date, a headline, an amount and details."""

    on: str
    what: str
    amount: str
    detail: str
    status: str


@dataclass(frozen=True)
class SentDocument:
    """A document sent to the customer, or about them: an invoice copy, an agency hand-over."""

    on: str
    what: str
    detail: str
    href: str  # its PDF, through the dashboard
    delivery: str = ""  # how the letter post delivered it ("" when it does not post it)
    delivery_detail: str = ""


@dataclass(frozen=True)
class EInvoice:
    """A legal e-invoice of an invoice or credit note, and where the exchange has it."""

    document_id: str
    what: str  # "invoice inv-..." or "credit note cn-..."
    format: str
    written_on: str  # "" while queued
    transmission: str  # to transmit, sent, accepted, rejected ...; "" while queued
    href: str  # its bytes, through the dashboard ("" while queued)


@dataclass(frozen=True)
class Acted:
    """One fact on the account and who made it happen."""

    on: str  # business time, to the minute
    what: str  # "Credit note issued"
    reference: str
    by: str  # the caller's subject, a component of ours, or "unknown"
    by_kind: str  # caller, component, unknown


@dataclass(frozen=True)
class CustomerAccount:
    customer_id: str
    name: str
    language: str
    open_items: list[OpenItem]
    open_totals: dict[str, str]
    letters: list[Letter]
    disputes: list[Line]
    promises: list[Line]
    calls: list[Line]
    write_offs: list[Line]
    documents: list[SentDocument]
    interest: dict[str, str]  # per currency: late-payment interest and indemnities earned


def _days(days: int) -> str:
    if days > 0:
        return f"{days} days overdue"
    return "due today" if days == 0 else f"due in {-days} days"


def open_items(items: list[dict[str, Any]]) -> tuple[list[OpenItem], dict[str, str]]:
    """Open items by due date, and their total per currency."""
    totals: dict[str, Decimal] = {}
    rows = []
    for i in sorted(items, key=lambda i: (i["due_date"], i["invoice_number"] or "")):
        totals[i["currency"]] = totals.get(i["currency"], Decimal(0)) + to_decimal(i["open_amount"])
        rows.append(OpenItem(
            invoice_number=i.get("invoice_number") or i["invoice_id"], invoice_id=i["invoice_id"],
            currency=i["currency"], due_date=i["due_date"], days_overdue=_days(int(i["days_overdue"])),
            bucket=bucket_label(i["bucket"]), open_amount=format_money(i["open_amount"], i["currency"]),
            overdue=int(i["days_overdue"]) > 0))
    return rows, {c: format_money(v, c) for c, v in sorted(totals.items())}


def letters(history: list[dict[str, Any]]) -> list[Letter]:
    """Dunning letters, newest first."""
    ordered = sorted(history, key=lambda r: r["run_date"], reverse=True)
    return [Letter(r["run_date"], humanize(r["level"]), r["currency"],
                   format_money(r["total"], r["currency"]), len(r.get("invoices", [])),
                   r.get("letter") or "", _voided(r), r.get("reminder_id") or "",
                   r.get("delivery") or "", r.get("delivery_detail") or "") for r in ordered]


def contacts(master: dict[str, Any]) -> list[Contact]:
    """The contacts to reach, from collections' customer master (none once erased)."""
    return [Contact(c.get("name") or "(erased)", humanize(c["role"]), c.get("email") or "",
                    c.get("phone") or "", c.get("working_hours") or "",
                    humanize(c["preferred_channel"])) for c in master.get("contacts", [])]


def _voided(letter: dict[str, Any]) -> str:
    if not letter.get("voided_on"):
        return ""
    return f"voided on {letter['voided_on']} by {letter['voided_by']}: {letter['void_reason']}"


def _disputes(rows: list[dict[str, Any]]) -> list[Line]:
    return [Line(d["opened_on"], humanize(d["reason"]), format_money(d["amount"], d["currency"]),
                 " ".join(x for x in (d.get("description"), d.get("note")) if x),
                 d["status"] if not d.get("outcome") else f"{d['status']}: {humanize(d['outcome'])}")
            for d in rows]


def _promises(rows: list[dict[str, Any]]) -> list[Line]:
    out = []
    for p in rows:
        detail = f"promised for {p['promised_date']} (recorded by {p['recorded_by']})"
        if p.get("amount_short"):
            detail += f", short {format_money(p['amount_short'], p['currency'])}"
        out.append(Line(p["recorded_on"], f"{len(p['invoice_ids'])} invoice(s)",
                        format_money(p["amount"], p["currency"]), detail, p["status"]))
    return out


def _calls(rows: list[dict[str, Any]]) -> list[Line]:
    return [Line(str(c.get("called_at") or c.get("called_on") or "")[:10], humanize(c.get("outcome")),
                 "", f"{c.get('contact_person', '')}: {c.get('note', '')}".strip(": "),
                 c.get("collector", "")) for c in rows]


def _write_offs(rows: list[dict[str, Any]]) -> list[Line]:
    return [Line(w["written_off_on"], w["reason"], format_money(w["amount"], w["currency"]),
                 f"approved by {w['approver']}",
                 f"recovered {format_money(w['recovered'], w['currency'])}"
                 if to_decimal(w.get("recovered")) > 0 else "") for w in rows]


def documents(view: dict[str, Any]) -> list[SentDocument]:
    """Invoice copies sent and agency hand-overs, newest first."""
    numbers = {i["invoice_id"]: i.get("invoice_number") for i in view.get("open_items", [])}
    customer = quote(view["customer_id"], safe="")
    copies = [SentDocument(
        str(c["requested_at"])[:10], f"Copy of invoice {numbers.get(c['invoice_id']) or c['invoice_id']}",
        f"asked by {c['requested_by']}" + (f": {c['reason']}" if c.get("reason") else ""),
        f"/invoices/{quote(c['invoice_id'], safe='')}.pdf", c.get("delivery") or "",
        c.get("delivery_detail") or "") for c in view.get("invoice_copies", [])]
    handovers = [SentDocument(
        h["handed_over_on"], f"Account handed over to {h['agency']}",
        f"{len(h['invoice_ids'])} invoice(s), "
        f"{format_money(h['total']['amount'], h['total']['currency'])}, decided by {h['decided_by']}",
        f"/customers/{customer}/agency-handovers/{quote(h['handover_id'], safe='')}.pdf")
        for h in view.get("handovers", [])]
    return sorted([*copies, *handovers], key=lambda d: d.on, reverse=True)


FORMATS = {"factur-x": "Factur-X (PDF/A-3 + CII)", "fatturapa": "FatturaPA", "ubl": "UBL 2.1"}


def e_invoices(listed: list[dict[str, Any]]) -> list[EInvoice]:
    """The customer's e-invoices, newest first (invoicing's outbox)."""
    return [EInvoice(
        d["document_id"], (f"credit note {d['credit_note_id']}" if d.get("credit_note_id")
                           else f"invoice {d['invoice_id']}"),
        FORMATS.get(d.get("format") or "", "queued"), str(d.get("written_at") or "")[:10],
        humanize(d.get("transmission") or ""),
        f"/e-invoices/{quote(d['document_id'], safe='')}" if d.get("sha256") else "")
        for d in reversed(listed)]


def customer_account(view: dict[str, Any]) -> CustomerAccount:
    items, totals = open_items(view.get("open_items", []))
    return CustomerAccount(
        customer_id=view["customer_id"], name=view.get("name") or view["customer_id"],
        language=view.get("language") or "", open_items=items, open_totals=totals,
        letters=letters(view.get("dunning_history", [])), disputes=_disputes(view.get("disputes", [])),
        promises=_promises(view.get("promises", [])), calls=_calls(view.get("calls", [])),
        write_offs=_write_offs(view.get("write_offs", [])), documents=documents(view),
        interest=_interest(view.get("late_interest", [])))


def _interest(earned: list[dict[str, Any]]) -> dict[str, str]:
    totals: dict[str, Decimal] = {}
    for e in earned:
        currency = e["total"]["currency"]
        totals[currency] = totals.get(currency, Decimal(0)) + to_decimal(e["total"]["amount"])
    return {c: format_money(v, c) for c, v in sorted(totals.items())}


def history(answer: dict[str, Any]) -> list[Acted]:
    """Who did what, the latest first (collections' customer history)."""
    return [Acted(str(e["occurred_at"])[:16].replace("T", " "), _said(e["event_type"]),
                  e["reference"], e["actor"], e["actor_kind"]) for e in answer["entries"]]


def _said(event_type: str) -> str:
    """`invoicing.CreditNoteIssued` → "Credit note issued"."""
    name = event_type.rsplit(".", 1)[-1].replace("EInvoice", "E-invoice")
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return words[:1].upper() + words[1:]
