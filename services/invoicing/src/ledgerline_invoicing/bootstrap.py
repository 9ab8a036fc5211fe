"""Wires the invoicing service: runtime (pool, event store, relay, projection consumer), the
document counters, the sales-intake consumer and the HTTP routers. Nothing happens at import;
tests pass their own settings (topic prefix, schema prefix)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ledgerline_events.runtime import ConsumerRunner, Projection, Runtime, create_service_app
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_events.runtime.topics_admin import ensure_topics
from ledgerline_invoicing.adapters.numbering import DocumentCounters
from ledgerline_invoicing.adapters.write_migrations import WRITE_MIGRATIONS
from ledgerline_invoicing.api import commands, queries
from ledgerline_invoicing.application.commands import Invoicing
from ledgerline_invoicing.application.sales_intake import SalesIntake
from ledgerline_invoicing.config import InvoicingSettings
from ledgerline_invoicing.projections.audit_report import AUDIT_REPORT
from ledgerline_invoicing.projections.customer_account import CustomerAccount
from ledgerline_invoicing.projections.invoice_register import InvoiceRegister

DESCRIPTION = """Invoices from delivered sales orders and by hand, credit notes, cancellations,
gap-free numbering per series and year; the invoice register and customer statements."""


class SalesIntakeWorker:
    """The inbound sales consumer: its own group, its offsets in the write schema beside the
    invoices it issues, so a rebuild of the read models never re-runs it."""

    def __init__(self, settings: InvoicingSettings, invoicing: Invoicing) -> None:
        self.settings = settings
        self.invoicing = invoicing
        self.runner: ConsumerRunner | None = None

    async def install(self, runtime: Runtime) -> None:
        assert runtime.pool is not None
        s = self.settings
        self.runner = ConsumerRunner(
            service=s.service_name, pool=runtime.pool, schema=s.write_schema,
            projections=[SalesIntake(self.invoicing)], topics=s.topics,
            bootstrap=s.kafka_bootstrap, group_id=s.sales_intake_group,
            batch_size=s.consumer_batch_size, linger_s=s.consumer_linger_ms / 1000,
            max_refused_in_row=s.consumer_max_refused_in_row,
        )
        await self.runner.install()

    async def run(self, runtime: Runtime) -> None:
        assert self.runner is not None
        await self.runner.run()


class InvoicingRuntime(Runtime):
    """The shared runtime, with the sales intake counted in readiness."""

    sales_intake: SalesIntakeWorker | None = None

    async def readiness(self) -> dict[str, Any]:
        checks = await super().readiness()
        if self.settings.run_worker:
            runner = self.sales_intake.runner if self.sales_intake else None
            checks["sales_intake"] = bool(runner and runner.started)
        return checks


def replay_projections() -> list[Projection]:
    """What a replay rebuilds (ops `ledgerline replay invoicing`); never the sales intake."""
    return [InvoiceRegister(), CustomerAccount()]


DEFINITION = ServiceDefinition("invoicing", InvoicingSettings, replay_projections, AUDIT_REPORT,
                               WRITE_MIGRATIONS)


def build_runtime(settings: InvoicingSettings) -> tuple[Runtime, Invoicing, SalesIntakeWorker]:
    counters = DocumentCounters(settings.write_schema)

    async def create_topics(runtime: Runtime) -> None:
        t = settings.topics
        await ensure_topics(settings.kafka_bootstrap, [
            t.sales_inbound, t.invoicing, t.cash_application, t.collections,
            t.dead_letter(settings.service_name),
        ])

    intake: SalesIntakeWorker | None = None

    async def install_intake(runtime: Runtime) -> None:
        assert intake is not None
        await intake.install(runtime)

    async def run_intake(runtime: Runtime) -> None:
        assert intake is not None
        await intake.run(runtime)

    runtime = InvoicingRuntime(
        settings, [InvoiceRegister(), CustomerAccount()],
        on_install=[create_topics, install_intake], background=[run_intake],
        write_migrations=DEFINITION.write_migrations,
    )
    invoicing = Invoicing(runtime, counters)
    intake = SalesIntakeWorker(settings, invoicing)
    runtime.sales_intake = intake
    return runtime, invoicing, intake


def build_app(settings: InvoicingSettings | None = None) -> FastAPI:
    settings = settings or InvoicingSettings()
    runtime, invoicing, intake = build_runtime(settings)
    app = create_service_app(
        runtime, [commands.router, queries.router],
        title="ledgerline invoicing", description=DESCRIPTION,
    )
    app.state.service = invoicing
    app.state.sales_intake = intake
    return app
