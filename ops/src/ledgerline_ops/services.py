"""What the ops tooling knows of each service: the definition its bootstrap gives the host
(settings from the LEDGERLINE_* environment, the projections a replay may rebuild, the
auditors' report), read here, never restated."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ledgerline_cash import bootstrap as cash
from ledgerline_collections import bootstrap as collections
from ledgerline_credit import bootstrap as credit
from ledgerline_events.runtime import ServiceSettings
from ledgerline_events.runtime.definition import ServiceDefinition
from ledgerline_invoicing import bootstrap as invoicing

from .reports import Report

SERVICES: dict[str, ServiceDefinition] = {
    d.name: d for d in (collections.DEFINITION, cash.DEFINITION, invoicing.DEFINITION,
                        credit.DEFINITION)
}


async def report_of(service: ServiceDefinition, pool: asyncpg.Pool, settings: ServiceSettings,
                    schema: str, as_of: datetime) -> Report:
    """The service's audit report from `schema` (live or rebuilt) as of `as_of`."""
    audit = service.audit_report
    return Report.build(audit.name, as_of, await audit.rows(pool, settings, schema, as_of))


def service(name: str) -> ServiceDefinition:
    try:
        return SERVICES[name]
    except KeyError:
        raise SystemExit(f"unknown service {name!r}; one of {', '.join(SERVICES)}") from None
