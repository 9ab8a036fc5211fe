"""The AR invariant straight from the event log, independent of every service's projection:
per customer and currency,
  balance   = invoices issued - credit notes - cancellations - allocations to invoices
              - write-offs + allocation reversals + recoveries
  unapplied = payments received + credit notes' excess - allocations - refunds
              - payment reversals + allocation reversals
where credit notes, cancellations, write-offs and recoveries count for what cash application's
clearing applied of them (its `...Applied` events), the excess of a credit note being credit
on account. Also: every invoice's open amount, which must never be below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from aiokafka import AIOKafkaConsumer, TopicPartition

from ledgerline_events.contract import Envelope, Topics, decode
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    PaymentAllocated,
    PaymentReceived,
    PaymentReversed,
    RecoveryApplied,
    RefundIssued,
    WriteOffApplied,
)
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.runtime.topics_admin import partitions_of

Key = tuple[str | None, str]  # (customer id, currency)


@dataclass
class Ledger:
    balance: dict[Key, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    unapplied: dict[Key, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    open_per_invoice: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def below_zero(self) -> dict[str, Decimal]:
        """Invoices whose open amount is negative: there must be none, ever."""
        return {i: amount for i, amount in self.open_per_invoice.items() if amount < 0}


def fold(events: Iterable[Envelope]) -> Ledger:
    ledger = Ledger()
    for e in events:
        p, customer = e.payload, e.customer_id
        if isinstance(p, InvoiceIssued):
            ledger.balance[(customer, p.currency)] += p.gross_total.amount
            ledger.open_per_invoice[p.invoice_id] += p.gross_total.amount
        elif isinstance(p, CreditNoteApplied | CancellationApplied | WriteOffApplied):
            ledger.balance[(customer, p.applied.currency)] -= p.applied.amount
            ledger.open_per_invoice[p.invoice_id] -= p.applied.amount
            if isinstance(p, CreditNoteApplied):
                ledger.unapplied[(customer, p.to_account.currency)] += p.to_account.amount
        elif isinstance(p, RecoveryApplied):
            ledger.balance[(customer, p.applied.currency)] += p.applied.amount
            ledger.open_per_invoice[p.invoice_id] += p.applied.amount
        elif isinstance(p, PaymentReceived):
            ledger.unapplied[(customer, p.amount.currency)] += p.amount.amount
        elif isinstance(p, PaymentAllocated | AllocationReversed):
            sign = 1 if isinstance(p, AllocationReversed) else -1
            discount = p.discount.amount if p.discount else Decimal(0)
            ledger.balance[(customer, p.amount.currency)] += sign * (p.amount.amount + discount)
            ledger.open_per_invoice[p.invoice_id] += sign * (p.amount.amount + discount)
            ledger.unapplied[(customer, p.amount.currency)] += sign * p.amount.amount
        elif isinstance(p, RefundIssued | PaymentReversed):
            ledger.unapplied[(customer, p.amount.currency)] -= p.amount.amount
    return ledger


async def read_log(bootstrap: str, topics: Topics) -> list[Envelope]:
    """Every event our four services have published so far, each topic read to its end."""
    names = [topics.events(s) for s in ("invoicing", "cash-application", "collections", "credit")]
    partitions = await partitions_of(bootstrap, names)
    tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, isolation_level="read_committed")
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        events: list[Envelope] = []
        while await _behind(consumer, tps, end):
            for msgs in (await consumer.getmany(timeout_ms=500)).values():
                events += [decode(m.value) for m in msgs if m.value is not None]
        return events
    finally:
        await consumer.stop()


async def _behind(
    consumer: AIOKafkaConsumer, tps: list[TopicPartition], end: dict[TopicPartition, int]
) -> bool:
    for tp in tps:
        if await consumer.position(tp) < end[tp]:
            return True
    return False
