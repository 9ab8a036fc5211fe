"""Handlers for commands on a customer's credit account: load the account, let the domain
decide, append (the runtime's command path: idempotent, decided again after a lost race)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledgerline_credit.domain import account as domain
from ledgerline_credit.domain.account import CreditAccount
from ledgerline_events.contract import Event
from ledgerline_events.contract.credit import CreditHoldPlaced
from ledgerline_events.runtime import EventStore, Origin, UnitOfWork, run_command

from .commands import PlaceManualHold, ReleaseHold, SetCreditLimit

Decide = Callable[[CreditAccount], list[Event]]
Answer = Callable[[CreditAccount, list[Event]], dict[str, Any]]


async def run_on_account(store: EventStore, customer_id: str, origin: Origin, decide: Decide,
                         answer: Answer) -> dict[str, Any]:
    """One command on one credit account, decided again when another writer got there first;
    its events are dated the origin's business instant."""
    stream = domain.account_id(customer_id)

    async def body(uow: UnitOfWork) -> dict[str, Any]:
        history = await uow.load(stream)
        account = domain.replay(customer_id, history)
        events = decide(account)
        await uow.append(stream, len(history), events, customer_id=customer_id,
                         occurred_at=origin.occurred_at)
        return answer(account, events)
    return await run_command(store, origin, body)


async def set_credit_limit(store: EventStore, cmd: SetCreditLimit, origin: Origin
                           ) -> dict[str, Any]:
    def answer(account: CreditAccount, events: list[Event]) -> dict[str, Any]:
        return {"customer_id": cmd.customer_id, "currency": cmd.limit.currency,
                "limit": cmd.limit.model_dump(mode="json"), "changed": bool(events),
                "set_by": cmd.set_by, "reason": cmd.reason}

    return await run_on_account(
        store, cmd.customer_id, origin,
        lambda a: domain.set_credit_limit(a, cmd.limit, cmd.set_by, cmd.reason), answer)


async def place_manual_hold(store: EventStore, cmd: PlaceManualHold, origin: Origin
                            ) -> dict[str, Any]:
    def answer(account: CreditAccount, events: list[Event]) -> dict[str, Any]:
        [placed] = events
        assert isinstance(placed, CreditHoldPlaced)
        return {"customer_id": cmd.customer_id, **placed.model_dump(mode="json")}

    return await run_on_account(
        store, cmd.customer_id, origin,
        lambda a: domain.place_manual_hold(a, cmd.detail, cmd.placed_by), answer)


async def release_hold(store: EventStore, cmd: ReleaseHold, origin: Origin) -> dict[str, Any]:
    def answer(account: CreditAccount, events: list[Event]) -> dict[str, Any]:
        return {"customer_id": cmd.customer_id, "hold_id": cmd.hold_id, "released": True,
                "released_by": cmd.released_by, "reason": cmd.reason}

    return await run_on_account(
        store, cmd.customer_id, origin,
        lambda a: domain.release_hold(a, cmd.hold_id, cmd.released_by, cmd.reason), answer)
