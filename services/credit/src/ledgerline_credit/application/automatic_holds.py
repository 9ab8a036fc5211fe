"""Running the automatic hold rules: after each consumed batch, for the customers it touched,
in the batch's own transaction; and on a schedule, because an invoice becomes overdue with
time alone. Holds are appended through the event store under an idempotency key derived from
what triggered them, so a redelivered batch changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import asyncpg
import structlog

from ledgerline_credit.adapters import read_model
from ledgerline_credit.domain import account as accounts
from ledgerline_credit.domain.holds import (
    CreditSituation,
    HoldPolicy,
    automatic_hold_changes,
    effective_on,
)
from ledgerline_events.contract import Envelope, Event
from ledgerline_events.runtime import ConcurrencyConflict, EventStore, set_search_path

log = structlog.get_logger("ledgerline.credit.holds")
ATTEMPTS = 5
HISTORIES_PER_READ = 500


class AutomaticHolds:
    def __init__(self, store: EventStore, policy: HoldPolicy,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock

    async def after_batch(self, conn: asyncpg.Connection, customers: set[str],
                          events: Sequence[Envelope]) -> None:
        """Hook for the exposure projection (search_path is the read schema)."""
        digest = hashlib.sha256(
            ",".join(sorted(str(e.event_id) for e in events)).encode()).hexdigest()[:32]
        await self.evaluate(conn, customers, trigger=f"batch:{digest}",
                            causation=str(events[-1].event_id))

    async def evaluate(self, conn: asyncpg.Connection, customers: set[str], *, trigger: str,
                       causation: str | None = None) -> None:
        now = self.clock()
        found = await read_model.situations(conn, customers, now.date())
        ordered = sorted(customers)
        for start in range(0, len(ordered), HISTORIES_PER_READ):
            chunk = ordered[start:start + HISTORIES_PER_READ]
            # The chunk's accounts in one query: most batches change no hold, so most
            # customers cost nothing more than this read (a sweep reads in chunks).
            histories = await self.store.load_streams(
                conn, [accounts.account_id(c) for c in chunk])
            for customer in chunk:
                history = histories.get(accounts.account_id(customer), [])
                await self._evaluate_with_retries(conn, customer, history, found[customer],
                                                  f"auto-holds:{customer}:{trigger}",
                                                  causation, now)

    async def _evaluate_with_retries(
        self, conn: asyncpg.Connection, customer: str, history: list[Envelope],
        situation: CreditSituation, key: str, causation: str | None, now: datetime,
    ) -> None:
        for attempt in range(ATTEMPTS):
            try:
                await self._evaluate_one(conn, customer, history, situation, key, causation, now)
                return
            except ConcurrencyConflict:
                # A person changed the account meanwhile: reload and judge again.
                if attempt == ATTEMPTS - 1:
                    raise
                stream = accounts.account_id(customer)
                history = (await self.store.load_streams(conn, [stream])).get(stream, [])

    async def _evaluate_one(self, conn: asyncpg.Connection, customer: str,
                            history: list[Envelope], situation: CreditSituation, key: str,
                            causation: str | None, now: datetime) -> None:
        stream = accounts.account_id(customer)
        account = accounts.replay(customer, history)
        changes = automatic_hold_changes(account, situation, self.policy)
        if not changes:
            return  # nothing to record, so no key to keep either
        key = f"{key}:v{len(history)}"  # the same trigger on a changed account judges anew
        async with self.store.unit_of_work(key, fingerprint=key, conn=conn,
                                           causation_id=causation) as uow:
            if uow.previous_result is not None:
                return
            # Nothing takes effect before the account's own last change (a limit lowered today
            # does not hold the customer from the date of an old invoice).
            facts = [d for d in (situation.latest_fact_on,
                                 history[-1].occurred_at.date() if history else None) if d]
            situation = replace(situation, latest_fact_on=max(facts, default=None))
            await uow.append(stream, len(history), changes, customer_id=customer,
                             occurred_at=[self._dated(c, situation, now) for c in changes])
            uow.set_result({"events": [e.event_type for e in changes]})
        log.info("credit.automatic_holds", customer_id=customer,
                 changes=[e.model_dump(mode="json") for e in changes])

    def _dated(self, change: Event, situation: CreditSituation, now: datetime) -> datetime:
        """The business instant of a hold change: the day its cause arose (effective_on)."""
        on = effective_on(change, situation, self.policy, now.date())
        return now if on == now.date() else datetime.combine(on, time.min, tzinfo=UTC)

    async def sweep(self, read_schema: str) -> None:
        """Evaluate every customer whose overdue status may have changed with the date, one
        transaction per chunk of customers: one transaction for 100,000 of them lasted about
        80 s, its holds invisible and their accounts locked until it ended. The trigger (the
        date) keys the holds, so a sweep interrupted and run again places each once."""
        today = self.clock().date()
        since = today - timedelta(days=self.policy.overdue_hold_days)
        async with self.store.pool.acquire() as conn:
            async with conn.transaction():
                await set_search_path(conn, read_schema)
                customers = sorted(await read_model.customers_to_sweep(conn, since))
            for start in range(0, len(customers), HISTORIES_PER_READ):
                async with conn.transaction():
                    await set_search_path(conn, read_schema)
                    await self.evaluate(conn, set(customers[start:start + HISTORIES_PER_READ]),
                                        trigger=f"sweep:{today.isoformat()}")

    async def sweep_forever(self, read_schema: str, interval_s: float) -> None:
        while True:
            try:
                await self.sweep(read_schema)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failed sweep is retried at the next interval
                log.warning("credit.hold_sweep_failed", error=repr(exc))
            await asyncio.sleep(interval_s)

