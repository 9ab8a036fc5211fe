"""The scheduled day: promises settled as of the day, then the dunning run, sent at once or,
with `LEDGERLINE_DUNNING_REVIEW_REQUIRED`, proposed for a collector's approval. Every step is
idempotent per date, so a restart or a second worker repeats nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import DunningRunProposed, ProposedLetter
from ledgerline_events.runtime import Origin, UnitOfWork, run_command

from ..domain.dunning_review import decide_approve_run, run_id_for
from .context import Collections
from .dunning_run import DunningRun, run_dunning
from .promise_evaluation import evaluate_promises


async def scheduled_day(app: Collections, today: date, now: datetime, review: bool
                        ) -> dict[str, Any]:
    settled = await evaluate_promises(app, today, now)
    if not review:
        sent = await run_dunning(app, DunningRun(today), now)
        return {"promises_settled": len(settled), "letters_sent": len(sent)}
    proposed = await propose_run(app, today, now)
    return {"promises_settled": len(settled), "letters_proposed": proposed}


async def propose_run(app: Collections, run_date: date, now: datetime) -> int:
    """The run's dry-run letters, recorded once per run date as DunningRunProposed."""
    letters = await run_dunning(app, DunningRun(run_date, dry_run=True), now)
    if not letters:
        return 0
    run_id = run_id_for(run_date)
    async with app.store.unit_of_work(f"dunning-run:{run_id}", fingerprint=run_id) as uow:
        if uow.previous_result is not None:
            return int(uow.previous_result["letters"])
        event = DunningRunProposed(run_id=run_id, run_date=run_date, letters=[
            ProposedLetter(customer_id=x["customer_id"], currency=x["currency"],
                           level=x["level"], invoice_ids=x["invoices"],
                           total_overdue=Money.model_validate(x["total_overdue"]))
            for x in letters])
        await uow.append(f"dunning-run:{run_id}", 0, [event], customer_id=None,
                         occurred_at=now)
        uow.set_result({"letters": len(letters)})
    return len(letters)


async def approve_run(app: Collections, origin: Origin, run_id: str, approved_by: str
                      ) -> dict[str, Any]:
    """Approve a proposed run and send its letters, as of its run date."""
    aggregate = f"dunning-run:{run_id}"
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        history = await uow.load(aggregate)
        proposed, events = decide_approve_run([e.payload for e in history], run_id, approved_by)
        await uow.append(aggregate, len(history), events, customer_id=None,
                         occurred_at=origin.occurred_at)
        customers = tuple(sorted({letter.customer_id for letter in proposed.letters}))
        sent = await run_dunning(app, DunningRun(proposed.run_date, customers,
                                                 actor=origin.actor), origin.occurred_at)
        return {"run_id": run_id, "run_date": proposed.run_date.isoformat(),
                "letters_sent": len(sent), "reminders": sent}
    return await run_command(app.store, origin, body)
