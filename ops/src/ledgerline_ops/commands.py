"""What each `ledgerline` sub-command prints and which exit code it returns
(0: done / no differences, 1: differences or a tampered snapshot file, 2: refused;
3, failed, is `cli.main`'s)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.runtime import RebuildRunning, ServiceSettings, read_model_versions
from ledgerline_events.runtime.event_store import EVENT_STORE_MIGRATIONS
from ledgerline_events.runtime.migrations import migrate as migrate_write_schema

from . import audit_trail, month_end
from . import dead_letters as letters
from .audit import AuditResult
from .audit import audit as run_audit
from .progress import ProgressBar
from .replay import ReplayRefused, database
from .replay import replay as run_replay
from .reports import Report, load_report, write_report
from .services import SERVICES, report_of

EXPORT_SECTIONS = {
    "ageing": ("ageing_item", "ageing_customer", "ageing_currency"),
    "balances": ("balance",),
}


def say(text: str) -> None:
    print(text, flush=True)


async def migrate(service: str, settings: ServiceSettings) -> int:
    """What `make up` and every service start do anyway, on demand: the write schema's
    migrations; read models are rebuilt from the log by the next start when outdated."""
    definition = SERVICES[service]
    async with database(settings) as pool:
        applied = await migrate_write_schema(
            pool, settings.write_schema, [*EVENT_STORE_MIGRATIONS, *definition.write_migrations])
        async with pool.acquire() as conn:
            stale = await read_model_versions.outdated(conn, settings.read_schema,
                                                       definition.replay_projections())
    for m in applied:
        say(f"applied {m.owner} {m.version}: {m.name}")
    say(f"{settings.write_schema}: {len(applied)} migrations applied, up to date")
    say(f"{settings.read_schema}: " + (f"outdated ({', '.join(stale)}), rebuilt from the log at "
                                       "the service's next start" if stale else "up to date"))
    return 0


async def replay(service: str, settings: ServiceSettings, as_of: datetime | None, swap: bool,
                 resume: bool, workers: int = 1) -> int:
    bar = ProgressBar(f"replay {service}")
    try:
        outcome = await run_replay(SERVICES[service], settings, as_of=as_of, swap_in=swap,
                                   resume=resume, workers=workers, on_progress=bar)
    except (ReplayRefused, RebuildRunning) as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 2
    finally:
        bar.finish()
    say(f"rebuilt {outcome.target_schema}: {outcome.applied} events applied, "
        f"{outcome.skipped_after_as_of} after as-of, {outcome.dead_lettered} dead-lettered")
    if outcome.retired_schema:
        say(f"swapped in; previous read model kept as {outcome.retired_schema}")
    return 0


async def audit(service: str, settings: ServiceSettings, as_of: datetime | None, against: str,
                snapshot_month: str | None, reports_dir: Path, customer: str | None = None) -> int:
    bar = ProgressBar(f"audit {service}")
    try:
        if snapshot_month is not None:
            return await _audit_snapshot(service, settings, snapshot_month, reports_dir, bar)
        stored = None if against == "live" else load_report(Path(against))
        instant = as_of or (stored.as_of if stored else None) or datetime.now(UTC)
        if stored is None and as_of is not None and not SERVICES[service].audit_report.as_of_queries:
            print(f"note: {service}'s live read model holds current figures only; comparing "
                  "a rebuild as of T with it is meaningful for T = now", file=sys.stderr)
        result = await run_audit(SERVICES[service], settings, instant, against=stored,
                                 on_progress=bar, customer_id=customer)
    finally:
        bar.finish()
    return _print_audit(result, "live" if against == "live" else against)


async def _audit_snapshot(service: str, settings: ServiceSettings, month: str,
                          reports_dir: Path, bar: ProgressBar) -> int:
    if service != "collections" or not isinstance(settings, CollectionsSettings):
        print("--against-snapshot: month-end snapshots belong to collections", file=sys.stderr)
        return 2
    try:
        checked = await month_end.audit_snapshot(settings, month, reports_dir, on_progress=bar)
    except (LookupError, FileNotFoundError) as missing:
        print(f"no snapshot to audit: {missing}", file=sys.stderr)
        return 2
    bar.finish()
    s = checked.snapshot
    say(f"snapshot {s.snapshot_id} {s.report} {s.period} as of {s.as_of.isoformat()}: "
        f"{s.row_count} rows, file {s.file_name}, recorded checksum {s.checksum}")
    say(f"stored file checksum {checked.file_checksum}: "
        + ("intact" if checked.file_intact else "DOES NOT MATCH the recorded event"))
    code = _print_audit(checked.result, f"snapshot {month}")
    for difference in checked.known_then:
        say(difference.describe())
    say(f"{len(checked.known_then)} differences between the snapshot and the live read model "
        f"as of {s.as_of.isoformat()} known at {checked.known_at.isoformat()}")
    return code if checked.file_intact and not checked.known_then else 1


def _print_audit(result: AuditResult, reference: str) -> int:
    for difference in result.differences:
        say(difference.describe())
    say(f"{len(result.differences)} differences between the rebuild as of "
        f"{result.as_of.isoformat()} and {reference} ({len(result.rebuilt.rows)} rows rebuilt)")
    say(f"checksum {result.checksum}")
    return 0 if result.clean else 1


async def export(settings: ServiceSettings, report: str, as_of: datetime | None, fmt: str,
                 output: Path | None) -> int:
    """Ageing or balances as of T from the live collections read model (its as-of queries)."""
    if as_of is None or fmt == "pdf":
        print(f"refused: {report} needs --as-of, as csv or json", file=sys.stderr)
        return 2
    collections = SERVICES["collections"]
    async with database(settings) as pool:
        full = await report_of(collections, pool, settings, settings.read_schema, as_of)
    chosen = Report(f"collections.{report}", full.as_of, full.only(*EXPORT_SECTIONS[report]).rows)
    if output is None:
        sys.stdout.write(chosen.render(fmt))
    else:
        write_report(chosen, output, fmt)
        say(f"wrote {output}: {len(chosen.rows)} rows, checksum {chosen.checksum}")
    return 0


async def export_trail(settings: ServiceSettings, customer: str | None, invoice: str | None,
                       fmt: str, output: Path | None) -> int:
    """Every event of a customer or an invoice from the log, with who acted and its effect."""
    if not (customer or invoice) or fmt not in ("csv", "pdf"):
        print("refused: audit-trail needs --customer and/or --invoice, as csv or pdf",
              file=sys.stderr)
        return 2
    rows = await audit_trail.read_trail(settings.kafka_bootstrap, settings.topics, customer,
                                        invoice, audit_trail.say_progress)
    subject = " ".join(x for x in (customer, invoice) if x)
    content = (audit_trail.as_csv(rows) if fmt == "csv"
               else audit_trail.as_pdf(rows, subject, datetime.now(UTC)))
    if output is None:
        sys.stdout.buffer.write(content)
    else:
        await asyncio.to_thread(output.write_bytes, content)
        say(f"wrote {output}: {len(rows)} events of {subject}")
    return 0


async def close_month(settings: ServiceSettings, month: str, reports_dir: Path) -> int:
    assert isinstance(settings, CollectionsSettings)
    snapshot = await month_end.close_month(settings, month, reports_dir)
    e = snapshot.event
    totals = ", ".join(f"{t.amount} {t.currency}" for t in e.totals) or "nothing open"
    say(f"closed {month} as of {e.as_of.isoformat()}: {e.row_count} rows in {snapshot.path}")
    say(f"open receivables {totals}")
    say(f"checksum {e.checksum}; recorded as collections.ReportSnapshotTaken {e.snapshot_id}")
    return 0


async def dead_letters(settings: ServiceSettings, action: str, service: str, refs: list[str],
                       *, every: bool) -> int:
    topic = settings.topics.dead_letter(service)
    entries = await letters.read_all(settings.kafka_bootstrap, topic)
    if action == "list":
        for entry in entries:
            say(entry.describe())
        say(f"{len(entries)} dead letters in {topic}")
        return 0
    try:
        picked = [e for e in entries if e.event] if every else letters.chosen(entries, refs)
    except LookupError as unknown:
        print(f"refused: {unknown}", file=sys.stderr)
        return 2
    if not picked:
        print("refused: name the dead letters to replay (PARTITION:OFFSET) or --all",
              file=sys.stderr)
        return 2
    await letters.replay(settings.kafka_bootstrap, picked)
    for entry in picked:
        say(f"re-sent {entry.ref} to {entry.source_topic}: {entry.describe()}")
    say(f"{len(picked)} dead letters re-sent; a consumer that refuses one again dead-letters it again")
    return 0


async def simulate(args: argparse.Namespace) -> int:
    from .simulation import Simulation, SimulationConfig, http_services

    config = SimulationConfig(customers=args.customers, months=args.months, seed=args.seed,
                              start=datetime.fromisoformat(args.start).date())
    settings = CollectionsSettings()  # LEDGERLINE_KAFKA_BOOTSTRAP, LEDGERLINE_TOPIC_PREFIX
    async with http_services(credit=args.credit, invoicing=args.invoicing,
                             cash_application=args.cash_application, collections=args.collections,
                             kafka_bootstrap=settings.kafka_bootstrap,
                             topics=settings.topics) as services:
        summary = await Simulation(config, services).run()
    say(summary.describe())
    return 0
