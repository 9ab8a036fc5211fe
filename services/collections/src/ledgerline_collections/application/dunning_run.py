"""A dunning run: for every customer and currency, plan today's letter, render it, send it.

One `dunning:<customer>:<currency>` aggregate holds the letters sent (ReminderSent), which
say what level each invoice reached and when. Each letter is appended under the idempotency
key `dunning:<customer>:<currency>:<run date>`: running twice the same day sends nothing new
(and the ladder's "no repeat of a level" rule would refuse it anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from itertools import groupby
from typing import Any

from ledgerline_events.contract import Envelope
from ledgerline_events.contract.collections import ReminderSent
from ledgerline_events.contract.sales import Language

from ..adapters.read_model import CustomerProfile, DunningFacts
from ..domain.dunning import (
    DunningLetterPlan,
    InvoiceDunningHistory,
    InvoiceDunningState,
    plan_customer_letter,
    reminder_sent,
)
from ..domain.letters import letter_language, render_letter
from .context import Collections, new_id


async def run_dunning(app: Collections, run_date: date, occurred_at: datetime) -> list[dict[str, Any]]:
    """Send every letter due on `run_date`; returns what was sent (nothing on a re-run)."""
    end_of_day = datetime.combine(run_date, time.max, tzinfo=UTC)
    facts = sorted(await app.read_model.dunning_facts(end_of_day), key=_account)
    profiles = await app.read_model.customers(sorted({f.item.customer_id for f in facts}))
    sent = []
    for (customer, currency), group in groupby(facts, key=_account):
        profile = profiles.get(customer) or CustomerProfile(customer, customer, Language.EN)
        result = await _dun_account(app, profile, currency, list(group), run_date, occurred_at)
        if result is not None:
            sent.append(result)
    return sent


def _account(f: DunningFacts) -> tuple[str, str]:
    return (f.item.customer_id, f.item.currency)


async def _dun_account(
    app: Collections, customer: CustomerProfile, currency: str, facts: list[DunningFacts],
    run_date: date, occurred_at: datetime,
) -> dict[str, Any] | None:
    aggregate = f"dunning:{customer.customer_id}:{currency}"
    if _plan(await app.store.load(aggregate), facts, run_date, app) is None:
        return None  # nothing due: no key claimed, a later run the same day may still send
    key = f"dunning:{customer.customer_id}:{currency}:{run_date.isoformat()}"
    async with app.store.unit_of_work(key, fingerprint=key) as uow:
        if uow.previous_result is not None:
            return None  # already sent today
        history = await uow.load(aggregate)
        plan = _plan(history, facts, run_date, app)
        if plan is None:
            return uow.set_result({"reminder_id": None})
        language = letter_language(customer.language)
        letter = render_letter(plan, customer.name, language, app.payment)
        event = reminder_sent(plan, new_id("rem"), language, letter)
        await uow.append(aggregate, len(history), [event], customer_id=customer.customer_id,
                         occurred_at=occurred_at)
        return uow.set_result({
            "reminder_id": event.reminder_id, "customer_id": customer.customer_id,
            "currency": currency, "level": event.level.value,
            "total_overdue": event.total_overdue.model_dump(mode="json"),
            "invoices": [i.invoice_id for i in event.invoices],
        })


def _plan(
    history: Sequence[Envelope], facts: list[DunningFacts], run_date: date, app: Collections
) -> DunningLetterPlan | None:
    dunned = InvoiceDunningHistory()
    for envelope in history:
        if isinstance(envelope.payload, ReminderSent):
            dunned = dunned.record(envelope.payload)
    states = []
    for f in facts:
        level, on = dunned.last.get(f.item.invoice_id, (None, None))
        states.append(InvoiceDunningState(
            invoice_id=f.item.invoice_id, invoice_number=f.item.invoice_number,
            customer_id=f.item.customer_id, currency=f.item.currency, due_date=f.item.due_date,
            open_amount=f.item.open_amount, disputed=f.disputed,
            promised_until=f.promised_until, last_level=level, last_letter_on=on,
        ))
    return plan_customer_letter(states, run_date, app.policy)
