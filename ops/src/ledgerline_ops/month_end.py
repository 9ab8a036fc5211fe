"""Month-end close: the ageing and balances report as of the last instant of the month,
stored as a file and recorded as `collections.ReportSnapshotTaken` in the collections event
store (published on the collections topic by its relay), so a later audit can prove the
reported figures came from the log.

The month-end instant is 23:59:59.999999 UTC of the month's last day (inclusive), the same
instant collections' `GET /ageing?as_of=<date>` uses for a date: every event with business
time on the last day counts, nothing of the next month does.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from ledgerline_collections.config import CollectionsSettings
from ledgerline_collections.projections.audit_report import ageing_and_balances
from ledgerline_events.contract import Envelope, Money
from ledgerline_events.contract.collections import ReportSnapshotTaken
from ledgerline_events.runtime import EventStore, Progress

from .audit import AuditResult, audit, live_report
from .compare import Difference, differences
from .replay import database
from .reports import Report, load_report, write_report
from .services import SERVICES

REPORT = "month_end.ageing_and_balances"


def month_end(month: str) -> datetime:
    """'2026-10' -> 2026-10-31T23:59:59.999999+00:00."""
    year, number = (int(p) for p in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return datetime.combine(date(year, number, last), time.max, tzinfo=UTC)


def snapshot_file_name(month: str) -> str:
    return f"collections-ageing-and-balances-{month}.json"


def snapshot_stream(month: str) -> str:
    return f"report-snapshot:{REPORT}:{month}"


@dataclass(frozen=True)
class Snapshot:
    event: ReportSnapshotTaken
    path: Path


async def close_month(settings: CollectionsSettings, month: str, reports_dir: Path) -> Snapshot:
    """Store the month-end report from the live collections read model and record it."""
    as_of = month_end(month)
    async with database(settings) as pool:
        report = await live_report(pool, SERVICES["collections"], settings, as_of)
        report = Report(REPORT, report.as_of, report.rows)
        path = write_report(report, reports_dir / snapshot_file_name(month))
        event = ReportSnapshotTaken(
            snapshot_id=f"snap-{uuid.uuid4().hex[:16]}", report=REPORT, period=month,
            as_of=as_of, checksum=report.checksum, row_count=len(report.rows),
            totals=[Money.of(Decimal(v), c) for c, v in report.totals().items()],
            file_name=path.name,
        )
        store = EventStore(pool, settings.write_schema, producer=settings.service_name)
        stream = snapshot_stream(month)
        async with store.unit_of_work(f"{stream}:{report.checksum}") as uow:
            if uow.previous_result is not None:  # the same figures closed again: one event
                return Snapshot(event.model_copy(update=uow.previous_result), path)
            history = await uow.load(stream)
            await uow.append(stream, len(history), [event], customer_id=None,
                             occurred_at=datetime.now(UTC))
            uow.set_result({"snapshot_id": event.snapshot_id})
    return Snapshot(event, path)


async def latest_snapshot(settings: CollectionsSettings, month: str) -> ReportSnapshotTaken | None:
    taken = await latest_snapshot_envelope(settings, month)
    return None if taken is None else _snapshot(taken)


async def latest_snapshot_envelope(settings: CollectionsSettings, month: str) -> Envelope | None:
    """The month's latest snapshot with its envelope: `recorded_at` says when it was taken."""
    async with database(settings) as pool:
        store = EventStore(pool, settings.write_schema, producer=settings.service_name)
        history = await store.load(snapshot_stream(month))
    taken = [e for e in history if isinstance(e.payload, ReportSnapshotTaken)]
    return taken[-1] if taken else None


def _snapshot(envelope: Envelope) -> ReportSnapshotTaken:
    assert isinstance(envelope.payload, ReportSnapshotTaken)
    return envelope.payload


@dataclass(frozen=True)
class SnapshotAudit:
    """The stored file against its event (intact?), against a rebuild as of month end with
    everything known today (`result`: what later, backdated facts changed), and against the
    live read model as of month end as known when the snapshot was taken (`known_then`:
    must be empty, the report is what the log said at that time)."""

    snapshot: ReportSnapshotTaken
    file_checksum: str
    result: AuditResult
    known_at: datetime
    known_then: list[Difference]

    @property
    def file_intact(self) -> bool:
        return self.file_checksum == self.snapshot.checksum


async def audit_snapshot(
    settings: CollectionsSettings, month: str, reports_dir: Path,
    on_progress: Callable[[Progress], None] | None = None,
) -> SnapshotAudit:
    """Find the month's snapshot event, check its file, compare it with a rebuild as of
    month end (known now) and with the live read model as of month end known at the time the
    snapshot was recorded."""
    taken = await latest_snapshot_envelope(settings, month)
    if taken is None:
        raise LookupError(f"no ReportSnapshotTaken for {month} in {settings.write_schema}")
    snapshot = _snapshot(taken)
    stored = load_report(reports_dir / snapshot.file_name)
    result = await audit(SERVICES["collections"], settings, snapshot.as_of, against=stored,
                         on_progress=on_progress)
    async with database(settings) as pool:
        rows = await ageing_and_balances(pool, settings.read_schema, snapshot.as_of,
                                         settings.buckets, known_at=taken.recorded_at)
    known = Report.build(stored.name, snapshot.as_of, rows)
    known = Report(stored.name, known.as_of, known.only(*{r.section for r in stored.rows}).rows)
    return SnapshotAudit(snapshot, stored.checksum, result, taken.recorded_at,
                         differences(stored, known))
