"""Wires the collections service: runtime (pool, event store, relay, consumer feeding our
projections), the write-side index table, the optional daily dunning schedule and the HTTP
routers. Nothing happens at import; tests pass their own settings and clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import structlog
from fastapi import FastAPI

from ledgerline_events.runtime import Projection, Runtime, create_service_app
from ledgerline_events.runtime.auth import machine_credentials
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_events.runtime.intake import Intake
from ledgerline_events.runtime.keyring import Keyring
from ledgerline_events.runtime.requests import Clock, utc_now
from ledgerline_events.runtime.topics_admin import ensure_topics

from .adapters.invoice_documents import InvoiceDocuments
from .adapters.read_model import ReadModel
from .adapters.write_migrations import WRITE_MIGRATIONS
from .api import commands, queries
from .application.context import Collections
from .application.customer_intake import CustomerIntake
from .application.dunning_review import scheduled_day
from .application.letter_delivery import deliver_due
from .config import CollectionsSettings
from .projections.activity import CollectionsActivity
from .projections.audit_report import AUDIT_REPORT
from .projections.customer_history import CustomerHistory
from .projections.customer_master import CustomerMasterProjection
from .projections.delivery_proofs import DeliveryProofs
from .projections.receivables import Receivables
from .projections.reporting_views import reporting_views

DESCRIPTION = """Ageing (now and as of any instant), the dunning ladder and its letters,
collection calls, promises to pay, disputes, write-offs and recoveries, the collector
worklist and KPIs (DSO, CEI)."""

log = structlog.get_logger("ledgerline.collections")


def next_run_after(now: datetime, settings: CollectionsSettings) -> datetime:
    """The next instant the daily dunning run is due (settings time, UTC)."""
    today_at = datetime.combine(now.date(), settings.dunning_schedule_at, tzinfo=UTC)
    return today_at if today_at > now else today_at + timedelta(days=1)


def replay_projections() -> list[Projection]:
    """What a replay rebuilds (ops `ledgerline replay collections`): they read the log only."""
    return [Receivables(), CollectionsActivity(), CustomerMasterProjection(), DeliveryProofs(),
            CustomerHistory()]


DEFINITION = ServiceDefinition("collections", CollectionsSettings, replay_projections, AUDIT_REPORT,
                               WRITE_MIGRATIONS)


def service_of(app: FastAPI | None) -> Collections:
    assert app is not None, "the app is built before its consumers run"
    collections: Collections = app.state.service
    return collections


def build_app(settings: CollectionsSettings | None = None, clock: Clock = utc_now) -> FastAPI:
    settings = settings or CollectionsSettings()
    app: FastAPI | None = None

    async def create_topics(runtime: Runtime) -> None:
        t = settings.topics
        await ensure_topics(settings.kafka_bootstrap, [t.sales_inbound, t.invoicing,
                                                       t.cash_application, t.collections])

    async def wire_application(runtime: Runtime) -> None:
        assert runtime.pool is not None and runtime.store is not None and app is not None
        app.state.service = Collections(
            store=runtime.store, read_model=ReadModel(runtime.pool, settings.read_schema),
            policy=settings.dunning_policy, payment=settings.payment_instructions,
            buckets=settings.buckets,
            write_off_limit_counts_everyone=settings.write_off_limit_counts == "everyone",
            write_off_second_approval_above=settings.write_off_second_approval_above,
            portfolios={c: tuple(ids) for c, ids in settings.collector_portfolios.items()},
            keyring=Keyring(settings.write_schema), letter_post=settings.letter_post_enabled,
            invoice_documents=InvoiceDocuments(settings.invoicing_url, machine_credentials(
                "collections", settings.auth_jwt_secret, settings.invoicing_api_key)),
        )

    async def daily_dunning(runtime: Runtime) -> None:
        assert app is not None
        while True:
            wait = (next_run_after(clock(), settings) - clock()).total_seconds()
            await asyncio.sleep(max(wait, 0))
            now = clock()
            try:
                done = await scheduled_day(app.state.service, now.date(), now,
                                           settings.dunning_review_required)
                log.info("dunning.scheduled_run", run_date=now.date().isoformat(), **done)
            except Exception as exc:  # a failed run is retried at the next schedule, not lost
                log.error("dunning.scheduled_run_failed", error=repr(exc))

    async def post_letters(runtime: Runtime) -> None:
        while True:
            try:
                tried = await deliver_due(service_of(app), settings.letter_post, clock())
            except Exception as exc:  # the queue keeps what is due: tried again next round
                log.error("letter_post.round_failed", error=repr(exc))
                tried = 0
            if not tried:
                await asyncio.sleep(settings.letter_post_poll_s)

    workers = [daily_dunning] if settings.dunning_schedule_enabled else []
    workers += [post_letters] if settings.letter_post_enabled else []
    runtime = Runtime(
        settings, replay_projections(),
        on_install=[create_topics, wire_application], write_migrations=DEFINITION.write_migrations,
        background=workers,
        intakes=[Intake("customer_intake", [CustomerIntake(lambda: service_of(app))],
                        f"{settings.consumer_group}.customer-intake")],
        reporting=reporting_views(settings.buckets),
    )
    app = create_service_app(runtime, [commands.router, queries.router],
                             title="ledgerline collections", description=DESCRIPTION, clock=clock)
    return app
