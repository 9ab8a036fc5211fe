"""A deterministic synthetic history of contract events (seeded random), as wire messages.

Each customer gets a story in business-time order: invoices, payments with their allocations,
a few reversals, credit notes, reminders, disputes and write-offs, spread over 2025. Messages
are built as wire dicts directly (pydantic would dominate the generation time); `check_sample`
decodes some through the contract to prove they are valid envelopes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson

from ledgerline_events.contract import EVENT_TYPES, decode
from ledgerline_events.contract.catalogue import upcast

START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "GBP")
LANGUAGES = ("en", "fr", "it", "de")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Message:
    producer: str  # invoicing | cash-application | collections
    key: bytes
    value: bytes
    row: tuple[Any, ...]  # the flat row the COPY limit writes


@dataclass
class _Invoice:
    invoice_id: str
    number: str
    due: date
    open: Decimal
    version: int = 1


@dataclass
class _Story:
    customer_id: str
    currency: str
    language: str
    rng: random.Random
    clock: datetime
    invoices: list[_Invoice] = field(default_factory=list)
    allocations: list[tuple[str, str, str, Decimal]] = field(default_factory=list)
    seq: int = 0


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": format(amount, "f"), "currency": currency}


def generate(events: int, customers: int, seed: int) -> Iterator[Message]:
    """Exactly `events` messages over `customers` customers, the same for the same seed."""
    per, extra = divmod(events, customers)
    for i in range(customers):
        budget = per + (1 if i < extra else 0)
        rng = random.Random(seed * 1_000_003 + i)
        story = _Story(f"C{i:07d}", rng.choice(CURRENCIES), rng.choice(LANGUAGES), rng,
                       START + timedelta(minutes=rng.randrange(60 * 24 * 30)))
        yield from _story(story, budget)


def _story(s: _Story, budget: int) -> Iterator[Message]:
    while budget > 0:
        s.clock += timedelta(hours=s.rng.randrange(6, 24 * 20))
        open_items = [inv for inv in s.invoices if inv.open > 0]
        r = s.rng.random()
        if not open_items or r < 0.40:
            out = [_invoice(s)]
        elif r < 0.75 and budget >= 2:
            out = _payment(s, s.rng.choice(open_items))
        elif r < 0.79 and s.allocations:
            out = [_reversal(s)]
        elif r < 0.86:
            out = [_credit_note(s, s.rng.choice(open_items))]
        elif r < 0.94:
            out = [_reminder(s, open_items)]
        elif r < 0.97:
            out = [_dispute(s, s.rng.choice(open_items))]
        else:
            out = [_write_off(s, s.rng.choice(open_items))]
        yield from out[:budget]
        budget -= len(out)


def _envelope(s: _Story, producer: str, event_type: str, aggregate: str, version: int,
              payload: dict[str, Any], *, invoice_id: str, amount: Decimal,
              schema_version: int = 1) -> Message:
    s.seq += 1
    event_id = uuid.UUID(int=s.rng.getrandbits(128), version=4)
    at = _iso(s.clock + timedelta(seconds=s.seq))
    kind = f"{producer}.{event_type}"
    current = EVENT_TYPES[kind].schema_version
    if schema_version < current:  # written as a service writes it today: the current version
        payload, schema_version = upcast(kind, schema_version, payload), current
    wire = {
        "envelope_version": 2, "event_id": str(event_id), "event_type": kind,
        "schema_version": schema_version, "customer_id": s.customer_id,
        "aggregate_id": aggregate, "aggregate_version": version, "occurred_at": at,
        "recorded_at": at, "correlation_id": str(event_id), "causation_id": None,
        "producer": producer, "actor": {"kind": "component", "subject": producer, "roles": []},
        "payload": payload,
    }
    row = (event_id, producer, s.customer_id, invoice_id, s.clock, amount, event_type)
    return Message(producer, s.customer_id.encode(), orjson.dumps(wire), row)


def _invoice(s: _Story) -> Message:
    n = len(s.invoices) + 1
    invoice_id = f"INV-{s.customer_id}-{n}"
    net = Decimal(s.rng.randrange(5_000, 500_000)) / 100
    tax = (net * Decimal("0.2")).quantize(CENT)
    issue = s.clock.date()
    inv = _Invoice(invoice_id, f"INV-2025-{s.customer_id[1:]}{n:03d}", issue + timedelta(30),
                   net + tax)
    s.invoices.append(inv)
    c = s.currency
    payload = {
        "invoice_id": invoice_id, "invoice_number": inv.number,
        "customer": {"customer_id": s.customer_id, "name": f"Customer {s.customer_id}",
                     "language": s.language, "country": "GB", "email": None},
        "sales_order_id": f"SO-{s.customer_id}-{n}", "currency": c,
        "issue_date": issue.isoformat(), "due_date": inv.due.isoformat(),
        "payment_terms": {"kind": "net", "net_days": 30, "discount_days": None,
                          "discount_percent": None},
        "lines": [{"description": "Services rendered", "quantity": "1",
                   "unit_price": format(net, "f"), "tax_rate": "20", "net": format(net, "f"),
                   "tax": format(tax, "f")}],
        "net_total": _money(net, c), "tax_total": _money(tax, c),
        "gross_total": _money(inv.open, c),
    }
    return _envelope(s, "invoicing", "InvoiceIssued", invoice_id, 1, payload,
                     invoice_id=invoice_id, amount=inv.open)


def _payment(s: _Story, inv: _Invoice) -> list[Message]:
    s.seq += 1
    pay_id = f"PAY-{s.customer_id}-{s.seq}"
    amount = inv.open if s.rng.random() < 0.8 else (inv.open / 2).quantize(CENT)
    c, day = s.currency, s.clock.date().isoformat()
    received = {"payment_id": pay_id, "amount": _money(amount, c), "received_on": day,
                "method": "bank_transfer", "payer_name": f"Customer {s.customer_id}",
                "payer_account": f"GB{s.customer_id}", "remittance": inv.number,
                "statement_ref": None, "entry_ref": None}
    alloc_id = f"AL-{pay_id}"
    allocated = {"allocation_id": alloc_id, "payment_id": pay_id, "invoice_id": inv.invoice_id,
                 "amount": _money(amount, c), "discount": None,
                 "match_reason": "remittance_reference", "explanation": "",
                 "allocated_on": day}
    inv.open -= amount
    s.allocations.append((alloc_id, pay_id, inv.invoice_id, amount))
    return [
        _envelope(s, "cash-application", "PaymentReceived", pay_id, 1, received,
                  invoice_id="", amount=amount, schema_version=2),
        _envelope(s, "cash-application", "PaymentAllocated", pay_id, 2, allocated,
                  invoice_id=inv.invoice_id, amount=amount),
    ]


def _reversal(s: _Story) -> Message:
    alloc_id, pay_id, invoice_id, amount = s.allocations.pop(s.rng.randrange(len(s.allocations)))
    next(i for i in s.invoices if i.invoice_id == invoice_id).open += amount
    payload = {"allocation_id": alloc_id, "payment_id": pay_id, "invoice_id": invoice_id,
               "amount": _money(amount, s.currency), "discount": None,
               "reason": "allocated in error", "reversed_on": s.clock.date().isoformat()}
    return _envelope(s, "cash-application", "AllocationReversed", pay_id, 3, payload,
                     invoice_id=invoice_id, amount=amount)


def _credit_note(s: _Story, inv: _Invoice) -> Message:
    amount = (inv.open * Decimal(s.rng.choice(("0.1", "0.25", "0.5")))).quantize(CENT)
    inv.open -= amount
    inv.version += 1
    payload = {"credit_note_id": f"CN-{inv.invoice_id}-{inv.version}",
               "credit_note_number": f"CN-{inv.number}-{inv.version}",
               "invoice_id": inv.invoice_id, "amount": _money(amount, s.currency),
               "reason": "price correction", "issue_date": s.clock.date().isoformat(),
               "dispute_id": None}
    return _envelope(s, "invoicing", "CreditNoteIssued", inv.invoice_id, inv.version, payload,
                     invoice_id=inv.invoice_id, amount=amount)


def _reminder(s: _Story, open_items: list[_Invoice]) -> Message:
    today, c = s.clock.date(), s.currency
    listed = [{"invoice_id": i.invoice_id, "invoice_number": i.number,
               "due_date": i.due.isoformat(), "open_amount": _money(i.open, c),
               "days_overdue": max(0, (today - i.due).days), "level": "friendly_reminder"}
              for i in open_items[:5]]
    total = sum((i.open for i in open_items[:5]), Decimal(0))
    payload = {"reminder_id": f"REM-{s.customer_id}-{s.seq}", "level": "friendly_reminder",
               "run_date": today.isoformat(), "currency": c, "language": s.language,
               "invoices": listed, "total_overdue": _money(total, c),
               "letter": "Dear customer, a friendly reminder that some invoices are overdue."}
    return _envelope(s, "collections", "ReminderSent", f"dunning:{s.customer_id}:{c}", s.seq,
                     payload, invoice_id=open_items[0].invoice_id, amount=total)


def _dispute(s: _Story, inv: _Invoice) -> Message:
    dispute_id = f"DSP-{inv.invoice_id}-{s.seq}"
    payload = {"dispute_id": dispute_id, "invoice_id": inv.invoice_id,
               "amount": _money(inv.open, s.currency), "reason": "quality_complaint",
               "description": "", "opened_on": s.clock.date().isoformat()}
    return _envelope(s, "collections", "DisputeOpened", dispute_id, 1, payload,
                     invoice_id=inv.invoice_id, amount=inv.open)


def _write_off(s: _Story, inv: _Invoice) -> Message:
    amount, inv.open = inv.open, Decimal(0)
    payload = {"write_off_id": f"WO-{inv.invoice_id}", "invoice_id": inv.invoice_id,
               "amount": _money(amount, s.currency), "reason": "uncollectible",
               "approver": "bench", "written_off_on": s.clock.date().isoformat()}
    return _envelope(s, "collections", "DebtWrittenOff", f"write-offs:{inv.invoice_id}", 1,
                     payload, invoice_id=inv.invoice_id, amount=amount)


def check_sample(n: int = 2000, seed: int = 1) -> dict[str, int]:
    """Decode the first `n` messages of a small history through the contract; counts by type."""
    counts: dict[str, int] = {}
    for m in generate(n, max(1, n // 10), seed):
        envelope = decode(m.value)
        counts[envelope.event_type] = counts.get(envelope.event_type, 0) + 1
    return counts
