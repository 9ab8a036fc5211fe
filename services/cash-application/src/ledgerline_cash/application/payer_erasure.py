"""A customer's personal data erased (collections.PersonalDataErased): who paid for them becomes
unreadable here too. The keys of the customer's payments are erased (what those payments say
about the payer, sealed with them, can never be opened again, from any copy of the log) and the
bank accounts learned for the customer are forgotten, in the transaction that records the
consumed offset. The payments stay: financial facts are kept for the legal retention period."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import structlog

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.customer_master import PersonalDataErased
from ledgerline_events.runtime import ident
from ledgerline_events.runtime.keyring import Keyring

log = structlog.get_logger("ledgerline.cash.payer_erasure")


class PayerErasure:
    name = "payer_erasure"

    def __init__(self, write_schema: str) -> None:
        self._w = ident(write_schema)
        self._keyring = Keyring(write_schema)

    def topics(self, topics: Topics) -> list[str]:
        return [topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        return None  # keeps nothing but its offsets

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            if isinstance(envelope.payload, PersonalDataErased) and envelope.customer_id:
                await self._erase(conn, envelope.customer_id)

    async def _erase(self, conn: asyncpg.Connection, customer_id: str) -> None:
        payments = [r[0] for r in await conn.fetch(  # every stream that names the customer
            f"SELECT DISTINCT aggregate_id FROM {self._w}.event WHERE customer_id = $1",
            customer_id)]
        keys = await self._keyring.erase_all(conn, payments)
        accounts = await conn.execute(
            f"DELETE FROM {self._w}.payer_account WHERE customer_id = $1", customer_id)
        log.info("payer_erasure.erased", customer_id=customer_id, payment_keys=keys,
                 learned_accounts=accounts.split()[-1])
