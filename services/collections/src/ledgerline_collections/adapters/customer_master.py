"""Reading the customer master: the projection's rows, the contacts' personal fields opened
with the customer's key (none once erased)."""

from __future__ import annotations

from typing import Any

from ledgerline_events.contract.personal_data import Sealed, unseal
from ledgerline_events.runtime.keyring import Keyring

from .read_model import ReadModel


async def customer_master(read_model: ReadModel, keyring: Keyring, customer_id: str
                          ) -> dict[str, Any] | None:
    async with read_model.connection() as conn:
        master = await conn.fetchrow("SELECT details, erased_at FROM customer_master "
                                     "WHERE customer_id = $1", customer_id)
        contacts = await conn.fetch("SELECT * FROM customer_contact WHERE customer_id = $1 "
                                    "ORDER BY contact_id", customer_id)
        key = await keyring.key(conn, customer_id)
    if master is None and not contacts:
        return None

    def opened(value: dict[str, str] | None) -> str | None:  # jsonb comes decoded (pool codec)
        return unseal(Sealed.model_validate(value), key) if value else None

    return {
        "customer_id": customer_id,
        "details": master["details"] if master else None,
        "contacts": [{"contact_id": c["contact_id"], "role": c["role"], "name": opened(c["name"]),
                      "email": opened(c["email"]), "phone": opened(c["phone"]),
                      "working_hours": c["working_hours"],
                      "preferred_channel": c["preferred_channel"]} for c in contacts],
        "personal_data_erased": bool(master and master["erased_at"]),
    }
