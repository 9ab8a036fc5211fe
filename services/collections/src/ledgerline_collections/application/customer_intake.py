"""The ERP's customers, consumed from the inbound sales topic, become the customer master's
details and ERP contacts (application/customer_master.py), each in the transaction that records
the consumed offset, under the key "erp-customer:<event id>". A customer the master's rules
refuse (an e-mail that is none) goes to the dead-letter topic with the reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from hashlib import sha256

import asyncpg
import structlog

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.customer_master import CustomerUpserted
from ledgerline_events.contract.refusals import Refusal
from ledgerline_events.runtime import Origin, RejectedEvent

from ..domain.customer_master import take_from_erp
from .context import Collections
from .customer_master import change_master

log = structlog.get_logger("ledgerline.collections.customer_intake")


class CustomerIntake:
    name = "customer_intake"

    def __init__(self, app: Callable[[], Collections]) -> None:
        self.app = app  # wired once the runtime has started

    def topics(self, topics: Topics) -> list[str]:
        return [topics.sales_inbound]

    async def install(self, conn: asyncpg.Connection) -> None:
        return None  # keeps nothing but its offsets

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            if isinstance(envelope.payload, CustomerUpserted):  # orders: invoicing's
                await self._take(conn, envelope, envelope.payload)

    async def _take(self, conn: asyncpg.Connection, envelope: Envelope,
                    upserted: CustomerUpserted) -> None:
        origin = Origin(f"erp-customer:{envelope.event_id}",
                        sha256(upserted.model_dump_json().encode()).hexdigest(),
                        envelope.occurred_at, envelope.correlation_id, str(envelope.event_id))
        try:
            await change_master(self.app(), origin, upserted.customer_id,
                                lambda master, seal: take_from_erp(master, upserted, seal), conn)
        except Refusal as refused:
            log.warning("customer_intake.refused", field=refused.field, rule=refused.rule)
            raise RejectedEvent(envelope, f"{refused.field}: {refused.message} ({refused.rule})"
                                ) from refused
