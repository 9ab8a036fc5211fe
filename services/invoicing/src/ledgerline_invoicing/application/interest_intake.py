"""Late-payment interest collections claimed (LateInterestClaimed, consumed from collections'
topic) becomes an interest note (domain/interest_notes.py), issued in the transaction that
records the consumed offset, under the key "interest-claim:<claim id>": the same claim seen
twice issues one note. A claim the invoicing rules refuse goes to the dead-letter topic."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import structlog

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.late_interest import LateInterestClaimed
from ledgerline_events.contract.refusals import Refusal
from ledgerline_events.runtime import IdempotencyKeyReused, Origin, RejectedEvent
from ledgerline_invoicing.domain.interest_notes import interest_note

from .commands import Invoicing, fingerprint

log = structlog.get_logger("ledgerline.invoicing.interest_intake")


class InterestIntake:
    name = "interest_intake"

    def __init__(self, invoicing: Invoicing) -> None:
        self.invoicing = invoicing

    def topics(self, topics: Topics) -> list[str]:
        return [topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        return None  # the intake keeps nothing but its offsets

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            if isinstance(envelope.payload, LateInterestClaimed):
                await self._bill(conn, envelope, envelope.payload)

    async def _bill(self, conn: asyncpg.Connection, envelope: Envelope,
                    claim: LateInterestClaimed) -> None:
        origin = Origin(idempotency_key=f"interest-claim:{claim.claim_id}",
                        fingerprint=fingerprint(claim.model_dump_json()),
                        occurred_at=envelope.occurred_at, correlation_id=envelope.correlation_id,
                        causation_id=str(envelope.event_id))
        try:
            await self.invoicing.issue_invoice(interest_note(claim), origin, conn)
        except Refusal as broken:
            log.warning("interest_intake.refused", field=broken.field, rule=broken.rule)
            raise RejectedEvent(envelope, f"{broken.field}: {broken.message} "
                                          f"({broken.rule})") from broken
        except IdempotencyKeyReused as reused:
            raise RejectedEvent(envelope, f"claim {claim.claim_id} was billed with other "
                                          "content") from reused
