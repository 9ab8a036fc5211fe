"""Marking promises to pay kept or broken as of a date (an operator command or schedule).

Naturally idempotent: a promise settles once; evaluating again finds it settled.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..domain.promises import evaluate_promise, replay_promise
from .context import Collections


async def evaluate_promises(
    app: Collections, as_of: date, occurred_at: datetime, customer_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Settle every open promise (of these customers) whose outcome is known on `as_of`;
    returns the outcomes. Only payments dated up to `as_of` count, so evaluating a past date
    later gives what evaluating it that day would have given."""
    settled = []
    for promise_id in await app.read_model.open_promise_ids(customer_ids):
        aggregate = f"promise:{promise_id}"
        async with app.store.unit_of_work() as uow:
            history = await uow.load(aggregate)
            state = replay_promise(history)
            if state is None:
                continue
            payments = await app.read_model.payments_on(list(state.invoice_ids))
            outcome = evaluate_promise(state, payments, as_of)
            if outcome is None:
                continue
            await uow.append(aggregate, len(history), [outcome], customer_id=state.customer_id,
                             occurred_at=occurred_at)
            settled.append({"promise_id": promise_id, "event": outcome.event_type,
                            **outcome.model_dump(mode="json")})
    return settled
