"""Clearing the documents other services issue (credit notes, write-offs, recoveries,
cancellations) against their invoices: one decision per document, ever, taken under the
invoice's lock beside the allocations (docs/clearing.md).

Run by the live cash-ledger consumer after each batch, in its transaction, and by a sweep
every few seconds (documents a replay left undecided, a swapped-in schema). Whichever runs
first decides; the idempotency key `clearing:<kind>:<document>` makes the other a no-op.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import structlog

from ledgerline_events.contract import Event, Money
from ledgerline_events.contract.cash_application import CreditNoteApplied
from ledgerline_events.runtime import ConcurrencyConflict, EventStore, UnitOfWork, ident

from ..adapters.open_items import LockedInvoice, OpenItems
from ..domain import payment as pay
from ..domain.clearing import Document, DocumentKind, clear, clearing_instant
from ..projections.cash_ledger import apply_own_events

log = structlog.get_logger("ledgerline.cash.clearing")

RETRIES = 20

# Documents not decided yet whose invoice (and, for a recovery, whose write-off's decision)
# is known, in business order (the same whatever order the topics were read in).
PENDING = """
    SELECT d.kind, d.document_id, d.invoice_id, d.currency, d.amount, d.at, d.write_off_id,
           d.reference
    FROM {r}.clearing_document d JOIN {r}.open_item o USING (invoice_id)
    WHERE NOT d.decided AND d.amount IS NOT NULL AND o.invoice_number IS NOT NULL
      AND (d.write_off_id IS NULL OR EXISTS (
          SELECT 1 FROM {r}.clearing_document w
          WHERE w.document_key = 'clearing:write_off:' || d.write_off_id AND w.decided))
    ORDER BY d.at, d.document_key
"""


def credit_id_of(credit_note_id: str) -> str:
    """Where a credit note's excess lives as credit on account (a payment-like stream)."""
    return f"CR-{credit_note_id}"


class Clearing:
    def __init__(self, store: EventStore, read_schema: str) -> None:
        self.store = store
        self.read_schema = read_schema

    async def clear_pending(self, conn: asyncpg.Connection) -> int:
        """Decide every pending document; the number decided."""
        rows = await conn.fetch(PENDING.format(r=ident(self.read_schema)))
        decided = 0
        for row in rows:
            document = Document(DocumentKind(row["kind"]), row["document_id"], row["invoice_id"],
                                Money.of(row["amount"], row["currency"]), row["at"],
                                row["write_off_id"], row["reference"] or "")
            decided += await self._clear(conn, document)
        return decided

    async def _clear(self, conn: asyncpg.Connection, document: Document) -> int:
        for _ in range(RETRIES):
            try:
                async with self.store.unit_of_work(document.key, fingerprint=document.key,
                                                   conn=conn) as uow:
                    if uow.previous_result is not None:
                        return 0  # decided before; its event is on its way to the ledger
                    return await self._decide(uow, document)
            except ConcurrencyConflict:
                continue  # a command moved a payment we reverse: read again
        raise ConcurrencyConflict(f"clearing {document.key} kept conflicting")

    async def _decide(self, uow: UnitOfWork, document: Document) -> int:
        items = OpenItems(uow.conn, self.read_schema)
        locked = await items.lock_invoice(document.invoice_id, document.write_off_id)
        if locked is None or locked.invoice.open_amount.currency != document.amount.currency:
            log.error("clearing.cannot_clear", document=document.key,
                      reason="invoice unknown or in another currency")
            return 0
        if document.kind is DocumentKind.CANCELLATION:
            locked = await self._reverse_allocations(uow, items, document, locked)
        event = clear(document, locked.to_clear, credit_id_of(document.document_id))
        stream = event.credit_id if isinstance(event, CreditNoteApplied) else document.key
        at = clearing_instant(document, locked.to_clear)
        await self._commit(uow, stream, 0, [event], locked.customer_id, at)
        uow.set_result({"document": document.key, "event_type": event.event_type})
        log.info("clearing.decided", document=document.key, event_type=event.event_type)
        return 1

    async def _reverse_allocations(
        self, uow: UnitOfWork, items: OpenItems, document: Document, locked: LockedInvoice
    ) -> LockedInvoice:
        """A cancelled invoice owes nothing: cash allocated to it meanwhile is unapplied again
        (the invoicing service refused the cancellation only if it had seen the allocation)."""
        for payment_id, allocation_id in await items.live_allocations(document.invoice_id):
            history = await uow.load(payment_id)
            payment = pay.replay(history)
            if payment is None or allocation_id not in payment.allocations:
                continue
            at = max(clearing_instant(document, locked.to_clear),
                     payment.allocations[allocation_id].at)
            events = pay.unallocate(payment, allocation_id, "invoice cancelled", at)
            await self._commit(uow, payment_id, len(history), events,
                               payment.customer_id or locked.customer_id, at)
        relocked = await items.lock_invoice(document.invoice_id)
        assert relocked is not None
        return relocked

    async def _commit(self, uow: UnitOfWork, stream: str, version: int, events: list[Event],
                      customer_id: str, at: datetime) -> None:
        appended = await uow.append(stream, version, events, customer_id=customer_id,
                                    occurred_at=at)
        await apply_own_events(uow.conn, self.read_schema, appended)
