"""Commands on the customer master (aggregate `customer-master:<customer>`): the history is
opened with the customer's key, the domain decides on plain values, what it records is sealed
with the same key; an erasure drops the key in the transaction that records it.

The answer kept for an idempotency key says only whether something changed: personal data is
never stored in plain beside the log. The caller gets the master as it is now with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from ledgerline_events.contract import Event
from ledgerline_events.contract.customer_master import PersonalDataErased
from ledgerline_events.contract.personal_data import seal, unseal
from ledgerline_events.runtime import Origin, UnitOfWork, run_command
from ledgerline_events.runtime.keyring import Keyring

from ..domain.customer_master import CustomerMaster, Seal, master_stream, replay
from .context import Collections

Decide = Callable[[CustomerMaster, Seal], list[Event]]


async def change_master(app: Collections, origin: Origin, customer_id: str, decide: Decide,
                        conn: asyncpg.Connection | None = None) -> dict[str, Any]:
    keyring = keyring_of(app)

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        stream = master_stream(customer_id)
        history = [e.payload for e in await uow.load(stream)]
        key = await keyring.key(uow.conn, customer_id)
        master = replay(customer_id, history, lambda s: unseal(s, key))
        if not master.erased:
            key = await keyring.key_to_seal(uow.conn, customer_id)
        events = decide(master, lambda text: seal(text, customer_id, _sealing(key)))
        if any(isinstance(e, PersonalDataErased) for e in events):
            await keyring.erase(uow.conn, customer_id)
        await uow.append(stream, len(history), events, customer_id=customer_id,
                         occurred_at=origin.occurred_at)
        return {"customer_id": customer_id, "changed": bool(events)}
    return await run_command(app.store, origin, body, conn=conn)


async def master_now(app: Collections, customer_id: str) -> dict[str, Any]:
    """The master from its stream (not the read model, which trails), opened with the key."""
    return master_view(await master_state(app, customer_id))


async def master_state(app: Collections, customer_id: str) -> CustomerMaster:
    history = await app.store.load(master_stream(customer_id))
    async with app.store.pool.acquire() as conn:
        key = await keyring_of(app).key(conn, customer_id)
    return replay(customer_id, [e.payload for e in history], lambda s: unseal(s, key))


def master_view(master: CustomerMaster) -> dict[str, Any]:
    details = master.details.model_dump(mode="json") if master.details else None
    contacts = [vars(c) | {"role": c.role.value, "preferred_channel": c.preferred_channel.value}
                for c in sorted(master.contacts.values(), key=lambda c: c.contact_id)]
    return {"customer_id": master.customer_id, "details": details, "contacts": contacts,
            "personal_data_erased": master.erased}


def keyring_of(app: Collections) -> Keyring:
    assert app.keyring is not None, "the application was wired without its keyring"
    return app.keyring


def _sealing(key: bytes | None) -> bytes:
    assert key is not None, "the domain seals nothing once the personal data is erased"
    return key
