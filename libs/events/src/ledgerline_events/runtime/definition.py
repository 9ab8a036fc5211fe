"""What the host and the ops tooling both need to know of a service, said once in its
bootstrap: its name, settings, the projections a replay may rebuild (never ones that act on
what they read, such as credit's hold rules), its auditors' report and the migrations of its
own write tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from .migrations import Migration
from .projection import Projection
from .settings import ServiceSettings

Rows = list[dict[str, Any]]
ReportRows = Callable[[asyncpg.Pool, ServiceSettings, str, datetime], Awaitable[Rows]]


@dataclass(frozen=True)
class AuditReport:
    """Flat rows (section, customer_id, currency, item, measure, amount) read from any read
    schema, live or rebuilt. `as_of_queries`: the read model keeps business time per fact, so
    the live schema answers "as of T" itself; otherwise "as of T" needs a rebuild as of T."""

    name: str
    rows: ReportRows
    as_of_queries: bool


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    settings: Callable[[], ServiceSettings]
    replay_projections: Callable[[], Sequence[Projection]]
    audit_report: AuditReport
    write_migrations: Sequence[Migration] = ()
