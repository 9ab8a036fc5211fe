"""The `ledgerline` operator command: migrate, replay, audit, export, close-month,
dead-letters, simulate, token, what-if, contract. Exit codes: 0 done (no differences), 1 differences
found, 2 refused (bad arguments, nothing to do), 3 failed (an error; the message is on stderr).

It works as the service it names: same `LEDGERLINE_*` settings (database, Kafka, topic and
schema prefixes), reading the log from Kafka and writing only rebuild/audit schemas (and,
for close-month, one event in the collections event store). See ops/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.runtime import ServiceSettings, configure_logging

from . import commands, contract_check, token, what_if
from .instants import parse_instant
from .services import SERVICES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ledgerline", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    m = sub.add_parser("migrate", help="apply a service's write-schema migrations now; name "
                       "read models a start will rebuild")
    m.add_argument("service", choices=sorted(SERVICES))

    r = sub.add_parser("replay", help="rebuild a service's projections into <read>_rebuild")
    r.add_argument("service", choices=sorted(SERVICES))
    r.add_argument("--as-of", type=parse_instant, help="only events with business time <= T")
    r.add_argument("--swap", action="store_true", help="swap the rebuilt schema in when done")
    r.add_argument("--resume", action="store_true", help="continue from the stored offsets")
    r.add_argument("--workers", type=int, default=1,
                   help="processes sharing the topics' partitions (default 1)")

    a = sub.add_parser("audit", help="rebuild as of T and compare with live or a stored report")
    a.add_argument("service", choices=sorted(SERVICES))
    a.add_argument("--as-of", type=parse_instant, help="default: the stored report's, else now")
    a.add_argument("--against", default="live", help="live (default) or a report file (JSON/CSV)")
    a.add_argument("--against-snapshot", metavar="MONTH", help="collections: a month-end close")
    a.add_argument("--reports-dir", type=Path, default=Path("reports"))
    a.add_argument("--customer", help="compare only this customer's figures")

    e = sub.add_parser("export", help="ageing or balances as of T, or the audit trail of a "
                       "customer or an invoice, for auditors")
    e.add_argument("report", choices=["ageing", "balances", "audit-trail"])
    e.add_argument("--as-of", type=parse_instant, help="ageing, balances: required")
    e.add_argument("--customer", help="audit-trail: the customer's events")
    e.add_argument("--invoice", help="audit-trail: the invoice's events")
    e.add_argument("--format", choices=["csv", "json", "pdf"], default="json",
                   help="ageing, balances: csv or json; audit-trail: csv or pdf")
    e.add_argument("--output", type=Path, help="default: stdout")

    c = sub.add_parser("close-month", help="store the month-end report, record the snapshot")
    c.add_argument("--month", required=True, help="YYYY-MM")
    c.add_argument("--reports-dir", type=Path, default=Path("reports"))

    d = sub.add_parser("dead-letters", help="list a service's dead letters, or re-drive them")
    d.add_argument("action", choices=["list", "replay"])
    d.add_argument("service", choices=sorted(SERVICES))
    d.add_argument("refs", nargs="*", metavar="PARTITION:OFFSET",
                   help="replay: the dead letters to re-drive, as `list` names them")
    d.add_argument("--all", action="store_true", help="replay: every dead letter that is an event")

    s = sub.add_parser("simulate", help="drive the four services with a simulated company")
    s.add_argument("--customers", type=int, default=20)
    s.add_argument("--months", type=int, default=3)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--start", default="2026-01-01", help="first simulated day (YYYY-MM-DD)")
    s.add_argument("--credit", default="http://127.0.0.1:8101")
    s.add_argument("--invoicing", default="http://127.0.0.1:8102")
    s.add_argument("--cash-application", default="http://127.0.0.1:8103")
    s.add_argument("--collections", default="http://127.0.0.1:8104")
    token.add_parser(sub)
    contract_check.add_parser(sub)
    what_if.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "token":
        sys.exit(token.print_token(args))
    if args.command == "contract":
        sys.exit(contract_check.run(args))
    configure_logging("WARNING", json=False, to_stderr=True)  # stdout is the report
    settings = SERVICES[args.service].settings() if hasattr(args, "service") else CollectionsSettings()
    try:
        code = asyncio.run(_run(args, settings))
    except Exception as exc:  # an operator reads one line, not a traceback; 1 means "differences"
        print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 3
    sys.exit(code)


async def _run(args: argparse.Namespace, settings: ServiceSettings) -> int:
    match args.command:
        case "migrate":
            return await commands.migrate(args.service, settings)
        case "replay":
            return await commands.replay(args.service, settings, args.as_of, args.swap, args.resume,
                                         args.workers)
        case "audit":
            return await commands.audit(args.service, settings, args.as_of, args.against,
                                        args.against_snapshot, args.reports_dir, args.customer)
        case "export" if args.report == "audit-trail":
            return await commands.export_trail(settings, args.customer, args.invoice, args.format,
                                               args.output)
        case "export":
            return await commands.export(settings, args.report, args.as_of, args.format, args.output)
        case "close-month":
            return await commands.close_month(settings, args.month, args.reports_dir)
        case "dead-letters":
            return await commands.dead_letters(settings, args.action, args.service, args.refs,
                                               every=args.all)
        case "simulate":
            return await commands.simulate(args)
        case "what-if":
            return await what_if.run(args)
    return 2
