"""One command path for every service. A command runs in one unit of work (one transaction
with its idempotency key); a key seen before answers what it answered first; a command that
lost a race to another writer of the same stream (ConcurrencyConflict, or a deadlock between
two) is decided again on fresh state, a few times with a growing random pause, then answered
409 `concurrent_change`. Inside a caller's transaction (`conn`: a consumer's batch) it runs
in a savepoint and is not retried here: the caller knows what it must reload first."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import asyncpg

from ledgerline_events.contract.base import Actor
from ledgerline_events.contract.refusals import StateConflict

from .event_store import ConcurrencyConflict, EventStore, UnitOfWork

T = TypeVar("T")
Body = Callable[[UnitOfWork], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 20
    pause_s: float = 0.005  # the upper bound of the first random pause; grows per attempt


@dataclass(frozen=True)
class Origin:
    """Where a command comes from, the same in every service: the caller's idempotency key,
    the fingerprint of what it asked (the same key for another request is refused), the
    business instant it happened (default: now), the trace its events carry, and who acted."""

    idempotency_key: str | None = None
    fingerprint: str = ""
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None
    causation_id: str | None = None
    actor: Actor | None = None  # None: the service itself acts (an intake, a scheduled run)

    @property
    def today(self) -> date:
        """The business date of the command (UTC)."""
        return self.occurred_at.date()


async def run_command(store: EventStore, origin: Origin, body: Body, *,
                      retry: RetryPolicy = RetryPolicy(),
                      conn: asyncpg.Connection | None = None) -> dict[str, Any]:
    """`body` loads, decides and appends, and returns the answer; it may run more than once."""
    async def once() -> dict[str, Any]:
        async with store.unit_of_work(
            origin.idempotency_key, fingerprint=origin.fingerprint, conn=conn,
            correlation_id=origin.correlation_id, causation_id=origin.causation_id,
            actor=origin.actor,
        ) as uow:
            if uow.previous_result is not None:
                return uow.previous_result
            return uow.set_result(await body(uow))
    return await once() if conn is not None else await retried(once, retry)


async def retried(once: Callable[[], Awaitable[T]], retry: RetryPolicy = RetryPolicy()) -> T:
    """`once` again on a lost race, within the policy; then 409 `concurrent_change`."""
    for attempt in range(retry.attempts):
        try:
            return await once()
        except (ConcurrencyConflict, asyncpg.DeadlockDetectedError):
            await asyncio.sleep(random.uniform(0, retry.pause_s * (attempt + 1)))
    raise StateConflict("concurrent_change", "others kept changing the same records; try again")
