"""Voiding a letter sent in error (see domain/voids.py): appended to the letter's own
`dunning:<customer>:<currency>` aggregate, so the next run of that account sees it."""

from __future__ import annotations

from typing import Any

from ledgerline_events.contract.collections import ReminderSent, ReminderVoided
from ledgerline_events.contract.refusals import NotFound

from ..domain.voids import VoidLetter, decide_void_letter
from .context import Collections, Write


async def void_letter(
    app: Collections, w: Write, reminder_id: str, reason: str, voided_by: str
) -> dict[str, Any]:
    account = await app.read_model.letter_account(reminder_id)
    if account is None:
        raise NotFound("letter_exists", f"no letter {reminder_id} (yet)", "reminder_id")
    customer_id, currency = account
    aggregate = f"dunning:{customer_id}:{currency}"
    cmd = VoidLetter(reminder_id, reason, voided_by, w.today)
    async with app.store.unit_of_work(w.idempotency_key, fingerprint=w.fingerprint) as uow:
        if uow.previous_result is not None:
            return uow.previous_result
        history = await uow.load(aggregate)
        events = decide_void_letter(
            [e.payload for e in history if isinstance(e.payload, ReminderSent)],
            [e.payload for e in history if isinstance(e.payload, ReminderVoided)], cmd)
        await uow.append(aggregate, len(history), events, customer_id=customer_id,
                         occurred_at=w.occurred_at)
        return uow.set_result({"reminder_id": reminder_id, "status": "void",
                               "voided_on": w.today.isoformat(), "voided_by": voided_by,
                               "reason": reason})
