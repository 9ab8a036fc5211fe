"""`ledgerline export audit-trail --customer C | --invoice I`: every event of one customer or
one invoice from the log (Kafka, the record of what happened), in the order it was recorded,
with its business time, who acted (the envelope's actor), what it says and its effect on the
customer's balance (the statement's own rules, invoicing domain.statement.movements_from), with
the running balance per currency. As CSV, or as a PDF an auditor files.

A customer's messages are all on one partition of each topic (they are keyed by customer id),
so a customer's trail reads only those; an invoice alone is looked for everywhere (give its
customer too to read less)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from ledgerline_events.contract import Envelope, Topics, UndecodableEvent, decode
from ledgerline_events.runtime.pdf import text_pdf
from ledgerline_events.runtime.topics_admin import partitions_of
from ledgerline_invoicing.domain.statement import movements_from

from .log_reading import to_the_end

SAID = ("invoice_number", "credit_note_number", "payment_id", "allocation_id", "dispute_id",
        "promise_id", "write_off_id", "reminder_id", "level", "amount", "gross_total", "applied",
        "reason", "status", "outcome")
COLUMNS = ["recorded_at", "occurred_at", "event_type", "producer", "actor", "actor_kind",
           "actor_roles", "aggregate_id", "invoice_id", "what", "effect", "currency", "balance"]


@dataclass(frozen=True)
class TrailRow:
    envelope: Envelope
    invoice_id: str
    what: str
    effect: Decimal | None
    currency: str
    balance: Decimal | None

    def cells(self) -> list[str]:
        e, actor = self.envelope, self.envelope.actor
        return [e.recorded_at.isoformat(), e.occurred_at.isoformat(), e.event_type, e.producer,
                actor.subject, actor.kind.value, " ".join(actor.roles), e.aggregate_id,
                self.invoice_id, self.what, "" if self.effect is None else str(self.effect),
                self.currency, "" if self.balance is None else str(self.balance)]


def concerns(envelope: Envelope, customer_id: str | None, invoice_id: str | None) -> bool:
    if customer_id is not None and envelope.customer_id != customer_id:
        return False
    if invoice_id is None:
        return True
    p = envelope.payload
    return invoice_id in (getattr(p, "invoice_id", None), envelope.aggregate_id) or (
        invoice_id in (getattr(p, "invoice_ids", None) or ()))


def trail(envelopes: Iterable[Envelope], customer_id: str | None, invoice_id: str | None
          ) -> list[TrailRow]:
    """The rows, oldest recorded first; the balance runs per currency over what the trail
    covers (the customer's, or the one invoice's)."""
    chosen = sorted((e for e in envelopes if concerns(e, customer_id, invoice_id)),
                    key=lambda e: (e.recorded_at, e.occurred_at, str(e.event_id)))
    balances: dict[str, Decimal] = {}
    rows: list[TrailRow] = []
    for e in chosen:
        moved = [m for m in movements_from(e.payload)
                 if invoice_id is None or m.invoice_id == invoice_id]
        effect = sum((m.amount.amount for m in moved), Decimal(0)) if moved else None
        currency = moved[0].amount.currency if moved else ""
        if moved:
            balances[currency] = balances.get(currency, Decimal(0)) + (effect or Decimal(0))
        rows.append(TrailRow(e, str(getattr(e.payload, "invoice_id", "") or ""), said(e),
                             effect, currency, balances.get(currency) if moved else None))
    return rows


def said(envelope: Envelope) -> str:
    data = envelope.payload.model_dump(mode="json")
    return "; ".join(f"{k}={_plain(data[k])}" for k in SAID if data.get(k) not in (None, ""))


def _plain(value: Any) -> str:
    if isinstance(value, dict) and {"amount", "currency"} <= value.keys():
        return f"{value['amount']} {value['currency']}"
    return str(value)[:80]


def as_csv(rows: list[TrailRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(r.cells() for r in rows)
    return out.getvalue().encode("utf-8-sig")


def as_pdf(rows: list[TrailRow], subject: str, made_at: datetime) -> bytes:
    lines = [f"AUDIT TRAIL: {subject}", f"from the event log, {len(rows)} events, "
             f"made {made_at.isoformat(timespec='seconds')}", ""]
    for r in rows:
        e, a = r.envelope, r.envelope.actor
        effect = "" if r.effect is None else f"  effect {r.effect} {r.currency} -> balance {r.balance}"
        lines += [f"{e.recorded_at:%Y-%m-%d %H:%M:%S} {e.event_type} (business time "
                  f"{e.occurred_at:%Y-%m-%d %H:%M})",
                  f"    by {a.subject} ({a.kind.value}{': ' + ', '.join(a.roles) if a.roles else ''})"
                  f" via {e.producer}{effect}",
                  f"    {r.what}" if r.what else "    -"]
    return text_pdf(f"audit-trail-{subject}", "\n".join(lines) + "\n").content


async def read_trail(bootstrap: str, topics: Topics, customer_id: str | None,
                     invoice_id: str | None, progress: Callable[[str], None]) -> list[TrailRow]:
    names = [topics.sales_inbound, *(topics.events(s) for s in
                                     ("invoicing", "cash-application", "collections", "credit"))]
    found = await partitions_of(bootstrap, names)
    chosen: list[TopicPartition] = []
    for topic, numbers in found.items():
        if customer_id is not None:  # its key's partition only
            numbers = [DefaultPartitioner()(customer_id.encode(), numbers, numbers)]
        chosen += [TopicPartition(topic, n) for n in numbers]
    envelopes = await _read(bootstrap, chosen, progress)
    return trail(envelopes, customer_id, invoice_id)


async def _read(bootstrap: str, partitions: list[TopicPartition],
                progress: Callable[[str], None]) -> list[Envelope]:
    seen, envelopes = 0, []
    async for _, records, total in to_the_end(bootstrap, partitions):
        seen += len(records)
        for m in records:
            try:
                envelopes.append(decode(m.value))
            except UndecodableEvent:
                continue  # its consumer dead-lettered it: not a fact
        progress(f"read {seen} of at most {total} messages")
    return envelopes


def say_progress(line: str) -> None:
    print(line, file=sys.stderr)
