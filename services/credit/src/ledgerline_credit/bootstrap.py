"""Wires the credit service: runtime (pool, event store, relay, consumer), the exposure
projection with the automatic hold rules behind it, the hold sweep, the clock and the HTTP
routers. Nothing happens at import time; tests pass their own settings and clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from fastapi import FastAPI

from ledgerline_credit.application.automatic_holds import AutomaticHolds
from ledgerline_credit.config import CreditSettings
from ledgerline_credit.projections.audit_report import AUDIT_REPORT
from ledgerline_credit.projections.exposure import ExposureProjection
from ledgerline_events.contract import Envelope
from ledgerline_events.runtime import EventStore, Projection, Runtime, create_service_app
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_events.runtime.requests import utc_now

from .projections.reporting_views import REPORTING_VIEWS

Clock = Callable[[], datetime]


@dataclass
class CreditService:
    settings: CreditSettings
    runtime: Runtime
    clock: Clock

    @property
    def store(self) -> EventStore:
        assert self.runtime.store is not None, "the runtime is not started"
        return self.runtime.store

    def automatic_holds(self) -> AutomaticHolds:
        return AutomaticHolds(self.store, self.settings.hold_policy(), self.clock)


def replay_projections() -> list[Projection]:
    """Projections for a rebuild: they read the log and never act on it (no hold rules)."""
    return [ExposureProjection()]


DEFINITION = ServiceDefinition("credit", CreditSettings, replay_projections, AUDIT_REPORT)


def build(settings: CreditSettings | None = None, clock: Clock = utc_now) -> CreditService:
    settings = settings or CreditSettings()
    service: CreditService

    async def after_batch(conn: asyncpg.Connection, customers: set[str],
                          events: Sequence[Envelope]) -> None:
        await service.automatic_holds().after_batch(conn, customers, events)

    async def sweep(_: Runtime) -> None:
        await service.automatic_holds().sweep_forever(
            settings.read_schema, settings.credit_hold_sweep_interval_s)

    runtime = Runtime(settings, [ExposureProjection(after_batch)], background=[sweep],
                      replay_projections=replay_projections(),
                      write_migrations=DEFINITION.write_migrations, reporting=REPORTING_VIEWS)
    service = CreditService(settings, runtime, clock)
    return service


def build_app(settings: CreditSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    from ledgerline_credit.api import commands, queries  # the API depends on us, not back

    service = build(settings, clock)
    app = create_service_app(
        service.runtime, [commands.router, queries.router], title="ledgerline credit",
        description="Credit limits, exposure, credit checks and holds.", clock=clock,
    )
    app.state.service = service
    return app
