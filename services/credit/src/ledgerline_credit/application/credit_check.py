"""The synchronous credit check: answered from the read model and the credit account in one
transaction (no Kafka round trip), and recorded as CreditCheckDecided in its own stream so
concurrent checks for one customer never wait on each other."""

from __future__ import annotations

import uuid
from typing import Any

from ledgerline_credit.adapters.standing_as_of import standing_as_of
from ledgerline_credit.domain import account as accounts
from ledgerline_credit.domain.decision import (
    CreditCheck,
    CreditPolicy,
    check_order_amount,
    decide_credit,
    record_decision,
)
from ledgerline_credit.domain.exposure import days_overdue
from ledgerline_events.contract import Money
from ledgerline_events.contract.money import quantize
from ledgerline_events.runtime import EventStore, Origin, UnitOfWork, run_command, set_search_path

from .commands import CheckCredit


def check_stream(check_id: str) -> str:
    return f"credit-check:{check_id}"


async def check_credit(store: EventStore, read_schema: str, cmd: CheckCredit,
                       policy: CreditPolicy, origin: Origin) -> dict[str, Any]:
    """Decide on an order as of its business date (the origin's) and record the decision;
    the same key answers the first decision. Everything is taken as it stood that day, so a
    check for a past date gives what checking on that date would have given."""
    check_order_amount(cmd.amount)

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        decided_at, day = origin.occurred_at, origin.today
        await set_search_path(uow.conn, read_schema)
        standing = await standing_as_of(uow.conn, cmd.customer_id, cmd.amount.currency,
                                        cmd.order_ref, day)
        # Limits and holds as they stood that day (an event dated by its end).
        history = await uow.load(accounts.account_id(cmd.customer_id))
        account = accounts.replay(cmd.customer_id,
                                  [e for e in history if e.occurred_at <= decided_at])
        check = CreditCheck(
            order_amount=cmd.amount, limit=account.limit_in(cmd.amount.currency),
            exposure=standing.exposure,
            active_holds=[h.reason for h in account.active_holds],
            oldest_overdue_days=days_overdue(standing.oldest_open_due_date, day),
            disputed_amount=standing.disputed, risk_score=standing.risk_score,
        )
        verdict = decide_credit(check, policy)
        check_id = uuid.uuid4().hex
        decided = record_decision(check_id, cmd.order_ref, check, verdict)
        await uow.append(check_stream(check_id), 0, [decided], customer_id=cmd.customer_id,
                         occurred_at=decided_at)
        return {
            "check_id": check_id, "customer_id": cmd.customer_id, "order_ref": cmd.order_ref,
            "as_of": day.isoformat(),
            "decision": verdict.decision.value, "reasons": list(verdict.reasons),
            "exposure": decided.exposure.model_dump(mode="json"),
            "limit": check.limit.model_dump(mode="json") if check.limit else None,
            "available": (Money(amount=quantize(check.available, check.currency),
                                currency=check.currency).model_dump(mode="json")
                          if check.available is not None else None),
            "risk_score": check.risk_score,
        }
    return await run_command(store, origin, body)
