"""Voiding a letter sent in error (see domain/voids.py): appended to the letter's own
`dunning:<customer>:<currency>` aggregate, so the next run of that account sees it."""

from __future__ import annotations

from typing import Any

from ledgerline_events.contract.collections import ReminderSent, ReminderVoided
from ledgerline_events.contract.refusals import NotFound
from ledgerline_events.runtime import Origin, UnitOfWork, run_command

from ..domain.voids import VoidLetter, decide_void_letter
from .context import Collections


async def void_letter(
    app: Collections, w: Origin, reminder_id: str, reason: str, voided_by: str
) -> dict[str, Any]:
    account = await app.read_model.letter_account(reminder_id)
    if account is None:
        raise NotFound("letter_exists", f"no letter {reminder_id} (yet)", "reminder_id")
    customer_id, currency = account
    aggregate = f"dunning:{customer_id}:{currency}"
    cmd = VoidLetter(reminder_id, reason, voided_by, w.today)
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        history = await uow.load(aggregate)
        events = decide_void_letter(
            [e.payload for e in history if isinstance(e.payload, ReminderSent)],
            [e.payload for e in history if isinstance(e.payload, ReminderVoided)], cmd)
        await uow.append(aggregate, len(history), events, customer_id=customer_id,
                         occurred_at=w.occurred_at)
        return {"reminder_id": reminder_id, "status": "void",
                "voided_on": w.today.isoformat(), "voided_by": voided_by,
                "reason": reason}
    return await run_command(app.store, w, body)
