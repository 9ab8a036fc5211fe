"""Audit: rebuild a service's projections as of an instant into a schema of its own
(`<read_schema>_audit_<run>`, dropped afterwards, so that audits run side by side) and compare
the report computed there with the live projection's report as of the same instant, or with a
stored report file, for every customer or one; every difference and the rebuilt report's
checksum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from secrets import token_hex

import asyncpg

from ledgerline_events.runtime import Progress, ServiceSettings, ident
from ledgerline_events.runtime.definition import ServiceDefinition

from .compare import Difference, differences
from .replay import database, rebuild_into
from .reports import Report
from .services import report_of


def audit_schema(read_schema: str, run: str) -> str:
    """Where one audit run rebuilds."""
    return f"{read_schema}_audit_{run}"


@dataclass(frozen=True)
class AuditResult:
    as_of: datetime
    rebuilt: Report
    reference: Report
    differences: list[Difference]

    @property
    def checksum(self) -> str:
        return self.rebuilt.checksum

    @property
    def clean(self) -> bool:
        return not self.differences


async def audit(
    ops: ServiceDefinition, settings: ServiceSettings, as_of: datetime, *,
    against: Report | None = None, on_progress: Callable[[Progress], None] | None = None,
    customer_id: str | None = None,
) -> AuditResult:
    """`against=None`: compare with the live projection's report as of `as_of` (for services
    without as-of queries the live report is the current one: meaningful for T = now).
    With `customer_id`, only that customer's rows are compared (the log is replayed whole)."""
    async with database(settings) as pool:
        target = audit_schema(settings.read_schema, token_hex(4))
        try:
            await rebuild_into(pool, ops, settings, target, as_of=as_of, on_progress=on_progress)
            rebuilt = (await report_of(ops, pool, settings, target, as_of)).of_customer(customer_id)
        finally:
            await pool.execute(f"DROP SCHEMA IF EXISTS {ident(target)} CASCADE")
        reference = (against or await live_report(pool, ops, settings, as_of)).of_customer(customer_id)
    if against is not None:  # same name (checksums comparable); only the stored sections
        sections = {r.section for r in against.rows} or {r.section for r in rebuilt.rows}
        rebuilt = Report(against.name, rebuilt.as_of, rebuilt.only(*sections).rows)
    return AuditResult(as_of, rebuilt, reference, differences(reference, rebuilt))


async def live_report(
    pool: asyncpg.Pool, ops: ServiceDefinition, settings: ServiceSettings, as_of: datetime
) -> Report:
    return await report_of(ops, pool, settings, settings.read_schema, as_of)
