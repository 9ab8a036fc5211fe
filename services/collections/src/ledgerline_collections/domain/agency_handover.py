"""Handing an account over to a collection agency or bailiff. The practice: after the final
notice, hand the file over without delay, or credibility is lost; from then on we send no more
letters ourselves. The file holds what the agency needs to collect: the debtor, the open
invoices, the letters sent and when, the calls, the promises and how they ended, the disputes.

The hand-over is recorded in the account's dunning stream (`dunning:<customer>:<currency>`), so
it and a dunning run of the same account are decided one after the other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline_events.contract import Event, Money
from ledgerline_events.contract.collections import (
    AccountHandedOver,
    DunningLevel,
    ReminderSent,
    ReminderVoided,
)
from ledgerline_events.contract.refusals import StateConflict

FINAL = (DunningLevel.FINAL_NOTICE, DunningLevel.AGENCY_HANDOVER)


def handed_over(history: Sequence[Event]) -> AccountHandedOver | None:
    return next((e for e in history if isinstance(e, AccountHandedOver)), None)


def decide_handover(history: Sequence[Event], handover_id: str, currency: str, agency: str,
                    open_invoices: dict[str, Decimal], today: date, by: str) -> list[Event]:
    """`open_invoices`: invoice id -> what is still open on it."""
    if handed_over(history):
        raise StateConflict("account_handed_over", "this account is with an agency already",
                            "currency")
    voided = {e.reminder_id for e in history if isinstance(e, ReminderVoided)}
    if not any(isinstance(e, ReminderSent) and e.level in FINAL and e.reminder_id not in voided
               for e in history):
        raise StateConflict("final_notice_first", "a final notice must have been sent first",
                            "currency")
    owed = {i: a for i, a in sorted(open_invoices.items()) if a > 0}
    if not owed:
        raise StateConflict("something_open", "nothing is open on this account", "currency")
    return [AccountHandedOver(
        handover_id=handover_id, currency=currency, agency=agency, invoice_ids=list(owed),
        total=Money.of(sum(owed.values(), Decimal(0)), currency), handed_over_on=today,
        decided_by=by)]


def handover_file(handover: dict[str, Any], account: dict[str, Any],
                  master: dict[str, Any] | None, deliveries: list[dict[str, Any]]
                  ) -> dict[str, Any]:
    """The file for the agency (machine-readable): the hand-over, the debtor, and the history
    of the account in the hand-over's currency."""
    currency = handover["currency"]
    handed = set(handover["invoice_ids"])
    return {
        "handover": handover,
        "debtor": {"customer_id": account["customer_id"], "name": account.get("name"),
                   "details": (master or {}).get("details"),
                   "contacts": (master or {}).get("contacts", [])},
        "invoices": [i for i in account["open_items"] if i["invoice_id"] in handed],
        "letters": [x for x in account["dunning_history"] if x["currency"] == currency],
        "calls": account["calls"],
        "promises": [p for p in account["promises"] if p["currency"] == currency],
        "disputes": [d for d in account["disputes"] if d["currency"] == currency],
        "deliveries": deliveries,
    }


def handover_text(file: dict[str, Any]) -> str:
    """The same file, to read (the PDF's text)."""
    h, debtor = file["handover"], file["debtor"]
    lines = [f"Collection file {h['handover_id']}: {debtor['name'] or debtor['customer_id']}"
             f" ({debtor['customer_id']})",
             f"Handed over to {h['agency']} on {h['handed_over_on']} by {h['decided_by']}:"
             f" {h['total']['amount']} {h['currency']}", ""]
    details = debtor.get("details") or {}
    if details:
        address = details["billing_address"]
        lines += [f"Legal name: {details['legal_name']}  VAT: {details.get('vat_id') or '-'}",
                  f"Address: {', '.join(address['lines'])}, {address['postcode']} "
                  f"{address['city']} {address['country']}"]
    lines += [f"Contact: {c['name']} ({c['role']}) {c.get('email') or ''} {c.get('phone') or ''}"
              f" {c.get('working_hours') or ''}".rstrip() for c in debtor["contacts"]]
    lines += ["", "Open invoices:"]
    lines += [f"  {i['invoice_number']:<20} due {i['due_date']}  {i['days_overdue']:>4} days"
              f"  {i['open_amount']:>14} {i['currency']}" for i in file["invoices"]]
    lines += ["", "Letters sent:"]
    lines += [f"  {x['run_date']}  {x['level']:<18} {x['total']:>12}  {x.get('delivery') or ''}"
              + (f"  voided {x['voided_on']}" if x.get("voided_on") else "") for x in file["letters"]]
    lines += ["", "Calls:"]
    lines += [f"  {c['called_at'][:10]}  {c['outcome']:<16} {c['contact_person']}: {c['note']}"
              for c in file["calls"]]
    lines += ["", "Promises to pay:"]
    lines += [f"  {p['recorded_on']}  {p['amount']} by {p['promised_date']}: {p['status']}"
              for p in file["promises"]]
    lines += ["", "Proof of delivery:"]
    lines += [f"  {x['invoice_id']}  delivered {x['delivered_on'] or '-'}  "
              + (f"{x['proof_of_delivery']['carrier']} {x['proof_of_delivery']['reference']}"
                 if x.get("proof_of_delivery") else "no proof on file")
              for x in file["deliveries"]]
    lines += ["", "Disputes:"]
    lines += [f"  {d['opened_on']}  {d['reason']}  {d['amount']}: {d['status']}"
              for d in file["disputes"]]
    return "\n".join(lines) + "\n"
