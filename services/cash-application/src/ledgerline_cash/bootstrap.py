"""Wiring of the cash-application service: runtime, projections, write-side tables, routers.

Nothing happens at import time; `build_app` is called by the app factory or by tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
import structlog
from fastapi import FastAPI

from ledgerline_events.runtime import Projection, Runtime, create_service_app
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_events.runtime.intake import Intake
from ledgerline_events.runtime.projection import TRANSIENT_DB_ERRORS
from ledgerline_events.runtime.requests import Clock, utc_now

from .adapters.write_migrations import WRITE_MIGRATIONS
from .application.clearing import Clearing
from .application.payer_erasure import PayerErasure
from .config import Settings
from .projections.audit_report import AUDIT_REPORT
from .projections.cash_ledger import CashLedger
from .projections.reporting_views import REPORTING_VIEWS

# The ledger as a replay, an audit or a test's rebuild reads it: it never decides clearing.
PROJECTIONS = (CashLedger(),)
CLEARING_SWEEP_S = 2.0
log = structlog.get_logger("ledgerline.cash")


def replay_projections() -> list[Projection]:
    """What a replay rebuilds (ops `ledgerline replay cash-application`)."""
    return [CashLedger()]


DEFINITION = ServiceDefinition("cash-application", Settings, replay_projections, AUDIT_REPORT,
                               WRITE_MIGRATIONS)


def clearing_of(runtime: Runtime) -> Clearing:
    assert runtime.store is not None, "the runtime is not started"
    return Clearing(runtime.store, runtime.settings.read_schema)


def live_ledger(runtime: Callable[[], Runtime]) -> CashLedger:
    """The consumer's ledger: it clears pending documents after each batch, in its transaction."""
    async def clear(conn: asyncpg.Connection) -> None:
        await clearing_of(runtime()).clear_pending(conn)
    return CashLedger(clearing=clear)


async def clearing_sweep(runtime: Runtime) -> None:
    """Documents no batch will bring back (left undecided by a replay, or by a swap) are
    cleared within a few seconds."""
    assert runtime.pool is not None
    while True:
        await asyncio.sleep(CLEARING_SWEEP_S)
        try:
            async with runtime.pool.acquire() as conn, conn.transaction():
                await clearing_of(runtime).clear_pending(conn)
        except (*TRANSIENT_DB_ERRORS, asyncpg.DeadlockDetectedError,
                asyncpg.UndefinedTableError) as exc:
            log.warning("clearing.sweep_failed", error=repr(exc))


def build_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    from .api import commands, queries  # the API depends on us, not back

    settings = settings or Settings()
    erasure = Intake("payer_erasure", [PayerErasure(settings.write_schema)],
                     f"{settings.consumer_group}.payer-erasure")
    runtime = Runtime(settings, [live_ledger(lambda: runtime)],
                      background=[clearing_sweep], replay_projections=replay_projections(),
                      write_migrations=DEFINITION.write_migrations, intakes=[erasure],
                      reporting=REPORTING_VIEWS)
    statements = commands.statements_router(settings.statement_max_request_bytes)
    app = create_service_app(
        runtime, [commands.router, statements, queries.router],
        title="ledgerline cash application",
        description="Payments, statement import, matching, allocations, refunds, open items.",
        clock=clock,
    )
    app.state.matching = settings.matching  # checked once, not on every payment
    return app
