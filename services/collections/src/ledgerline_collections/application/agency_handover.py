"""Handing an account over to a collection agency (domain/agency_handover.py): decided on the
account's dunning stream with what is open now; the file read back from the read models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerline_events.runtime import Origin, UnitOfWork, run_command

from ..adapters import customer_master as master_reads
from ..adapters import reports
from ..domain.agency_handover import decide_handover, handover_file
from .context import Collections, new_id
from .customer_master import keyring_of


async def hand_over(app: Collections, w: Origin, customer_id: str, currency: str, agency: str,
                    by: str) -> dict[str, Any]:
    items = await app.read_model.open_items(w.occurred_at, None, customer_id, None)
    open_invoices: dict[str, Decimal] = {i.invoice_id: i.open_amount for i in items
                                         if i.currency == currency}
    handover_id = new_id("ho")
    aggregate = f"dunning:{customer_id}:{currency}"

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        history = await uow.load(aggregate)
        events = decide_handover([e.payload for e in history], handover_id, currency, agency,
                                 open_invoices, w.today, by)
        await uow.append(aggregate, len(history), events, customer_id=customer_id,
                         occurred_at=w.occurred_at)
        return {"customer_id": customer_id, **events[0].model_dump(mode="json")}
    return await run_command(app.store, w, body)


async def file_of(app: Collections, customer_id: str, handover_id: str, now: datetime
                  ) -> dict[str, Any] | None:
    async with app.read_model.connection() as conn:
        row = await conn.fetchrow("SELECT * FROM agency_handover WHERE handover_id = $1 "
                                  "AND customer_id = $2", handover_id, customer_id)
    if row is None:
        return None
    handover = {"handover_id": row["handover_id"], "currency": row["currency"],
                "agency": row["agency"], "invoice_ids": list(row["invoice_ids"]),
                "total": {"amount": f"{row['total']}", "currency": row["currency"]},
                "handed_over_on": row["handed_over_on"].isoformat(),
                "decided_by": row["decided_by"]}
    account = await reports.account(app.read_model, keyring_of(app), app.buckets, customer_id,
                                    now)
    master = await master_reads.customer_master(app.read_model, keyring_of(app), customer_id)
    proofs = await reports.deliveries(app.read_model, handover["invoice_ids"])
    return handover_file(handover, account or {}, master, proofs)
