"""Wiring of the cash-application service: runtime, projections, write-side tables, routers.

Nothing happens at import time; `build_app` is called by the app factory or by tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from ledgerline_events.runtime import Projection, Runtime, create_service_app

from .adapters.open_items import PayerAccounts
from .config import Settings
from .projections.cash_ledger import CashLedger

PROJECTIONS = (CashLedger(),)


def replay_projections() -> list[Projection]:
    """What a replay rebuilds (ops `ledgerline replay cash-application`)."""
    return [CashLedger()]


async def install_write_tables(runtime: Runtime) -> None:
    """The service's own write-side tables beside the event store."""
    assert runtime.pool is not None
    async with runtime.pool.acquire() as conn:
        await PayerAccounts(conn, runtime.settings.write_schema).install()


def build_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    from .api.routes import add_error_mapping, routers  # the API depends on us, not back

    settings = settings or Settings()
    runtime = Runtime(settings, PROJECTIONS, on_install=[install_write_tables])
    app = create_service_app(
        runtime, routers(settings), title="ledgerline cash application",
        description="Payments, statement import, matching, allocations, refunds, open items.",
    )
    add_error_mapping(app)
    app.state.settings = settings
    app.state.matching = settings.matching  # checked once, not on every payment
    app.state.clock = clock or (lambda: datetime.now(UTC))
    return app
