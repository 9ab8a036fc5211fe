"""Delivered sales orders, consumed from the inbound sales topic, become invoices.

Runs as its own consumer (offsets in the write schema, never rebuilt): each invoice is issued
in the same PostgreSQL transaction that records the consumed offset, under the idempotency key
"order-delivered:<order id>", so the same delivery seen twice issues one invoice. A delivery
the invoicing rules refuse goes to the dead-letter topic with the reason; the rest go on."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import structlog

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.refusals import Refusal
from ledgerline_events.contract.sales import OrderDelivered
from ledgerline_events.runtime import IdempotencyKeyReused, Origin, RejectedEvent
from ledgerline_invoicing.domain.deliveries import invoice_delivered_order

from .commands import Invoicing, fingerprint

log = structlog.get_logger("ledgerline.invoicing.sales_intake")


def delivery_key(order: OrderDelivered) -> str:
    return f"order-delivered:{order.order_id}"


class SalesIntake:
    name = "sales_intake"

    def __init__(self, invoicing: Invoicing) -> None:
        self.invoicing = invoicing

    def topics(self, topics: Topics) -> list[str]:
        return [topics.sales_inbound]

    async def install(self, conn: asyncpg.Connection) -> None:
        return None  # the intake keeps nothing but its offsets

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            if isinstance(envelope.payload, OrderDelivered):  # placed/cancelled: not ours
                await self._invoice(conn, envelope, envelope.payload)

    async def _invoice(
        self, conn: asyncpg.Connection, envelope: Envelope, order: OrderDelivered
    ) -> None:
        origin = Origin(
            idempotency_key=delivery_key(order),
            fingerprint=fingerprint(order.model_dump_json()),
            occurred_at=envelope.occurred_at,
            correlation_id=envelope.correlation_id,
            causation_id=str(envelope.event_id),
        )
        with structlog.contextvars.bound_contextvars(
            correlation_id=envelope.correlation_id, sales_order_id=order.order_id
        ):
            try:
                await self.invoicing.issue_invoice(invoice_delivered_order(order), origin, conn)
            except Refusal as broken:
                log.warning("sales_intake.refused", field=broken.field, rule=broken.rule)
                raise RejectedEvent(envelope, f"{broken.field}: {broken.message} ({broken.rule})") from broken
            except IdempotencyKeyReused as reused:
                reason = f"order {order.order_id} was already invoiced with different content"
                log.warning("sales_intake.refused", rule=reason)
                raise RejectedEvent(envelope, reason) from reused
