"""Wires the invoicing service: runtime (pool, event store, relay, projection consumer), the
document counters, the sales-intake consumer and the HTTP routers. Nothing happens at import;
tests pass their own settings (topic prefix, schema prefix)."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import FastAPI

from ledgerline_events.runtime import Projection, Runtime, create_service_app
from ledgerline_events.runtime.auth import machine_credentials
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_events.runtime.intake import Intake
from ledgerline_events.runtime.requests import utc_now
from ledgerline_events.runtime.topics_admin import ensure_topics
from ledgerline_invoicing.adapters.accrued_interest import AccruedInterest
from ledgerline_invoicing.adapters.numbering import DocumentCounters
from ledgerline_invoicing.adapters.write_migrations import WRITE_MIGRATIONS
from ledgerline_invoicing.api import commands, queries
from ledgerline_invoicing.application.commands import Invoicing
from ledgerline_invoicing.application.e_invoicing import EInvoicing, write_due
from ledgerline_invoicing.application.interest_intake import InterestIntake
from ledgerline_invoicing.application.sales_intake import SalesIntake
from ledgerline_invoicing.config import InvoicingSettings
from ledgerline_invoicing.projections.audit_report import AUDIT_REPORT
from ledgerline_invoicing.projections.customer_account import CustomerAccount
from ledgerline_invoicing.projections.invoice_register import InvoiceRegister
from ledgerline_invoicing.projections.reporting_views import REPORTING_VIEWS

log = structlog.get_logger("ledgerline.invoicing")
DESCRIPTION = """Invoices from delivered sales orders and by hand, credit notes, cancellations,
gap-free numbering per series and year; the invoice register and customer statements."""


def replay_projections() -> list[Projection]:
    """What a replay rebuilds (ops `ledgerline replay invoicing`); never the sales intake."""
    return [InvoiceRegister(), CustomerAccount()]


DEFINITION = ServiceDefinition("invoicing", InvoicingSettings, replay_projections, AUDIT_REPORT,
                               WRITE_MIGRATIONS)


def build_runtime(settings: InvoicingSettings) -> tuple[Runtime, Invoicing]:
    counters = DocumentCounters(settings.write_schema)

    async def create_topics(runtime: Runtime) -> None:
        t = settings.topics
        await ensure_topics(settings.kafka_bootstrap, [
            t.sales_inbound, t.invoicing, t.cash_application, t.collections,
            t.dead_letter(settings.service_name),
        ])

    e_invoicing = EInvoicing(settings.seller, settings.e_invoice_formats)

    async def write_e_invoices(runtime: Runtime) -> None:
        """Each queued e-invoice written within a poll; a failure is logged and tried again."""
        assert runtime.store is not None
        while True:
            try:
                if await write_due(runtime.store, e_invoicing, utc_now()):
                    continue
            except Exception as exc:
                log.error("e_invoice.round_failed", error=repr(exc))
            await asyncio.sleep(settings.e_invoice_poll_s)

    runtime = Runtime(settings, [InvoiceRegister(), CustomerAccount()], on_install=[create_topics],
                      write_migrations=DEFINITION.write_migrations, reporting=REPORTING_VIEWS,
                      background=[write_e_invoices] if settings.e_invoices_enabled else [])
    interest = AccruedInterest(settings.collections_url, machine_credentials(
        "invoicing", settings.auth_jwt_secret, settings.collections_api_key))
    invoicing = Invoicing(runtime, counters, e_invoices=settings.e_invoices_enabled,
                          accrued_interest=interest)
    runtime.intakes.append(
        Intake("sales_intake", [SalesIntake(invoicing)], settings.sales_intake_group))
    runtime.intakes.append(Intake("interest_intake", [InterestIntake(invoicing)],
                                  f"{settings.consumer_group}.interest-intake"))
    return runtime, invoicing


def build_app(settings: InvoicingSettings | None = None) -> FastAPI:
    settings = settings or InvoicingSettings()
    runtime, invoicing = build_runtime(settings)
    app = create_service_app(
        runtime, [commands.router, queries.router],
        title="ledgerline invoicing", description=DESCRIPTION,
    )
    app.state.service = invoicing
    return app
