"""The phases where finance users wait (issue 26), each a child process with its own size and
its own fresh topics and schemas: the morning's bank file (`statement_import.py`), the dunning
run (`dunning_scale.py`) and the peer on the `eventsourcing` library
(`peer_eventsourcing.py`). Each writes its figures as one JSON line; this collects it."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from .config import ROOT, BenchConfig
from .progress import say

# The peer does about 1,000 events/s here: storing more than it can project is time lost.
PEER_EVENTS = 200_000


async def _child(cfg: BenchConfig, script: str, *args: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        output = Path(folder) / "figures.jsonl"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, f"bench/{script}", *args, "--output", str(output), cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        if await proc.wait() != 0 or not output.exists():
            raise RuntimeError(f"{script} failed (exit {proc.returncode})")
        figures: dict[str, Any] = orjson.loads(output.read_text().splitlines()[-1])
    return figures


async def bank_file(cfg: BenchConfig) -> dict[str, Any]:
    say(f"  camt.053 of {cfg.import_entries:,} entries against {cfg.import_invoices:,} open "
        "invoices (a few minutes) ...")
    figures = await _child(cfg, "statement_import.py", "--entries", str(cfg.import_entries),
                           "--invoices", str(cfg.import_invoices),
                           "--customers", str(max(1, cfg.import_invoices // 10)))
    say(f"    import {figures['import_s']} s, ageing shows it +{figures['ageing_after_import_s']} s,"
        f" {figures['import_entries_per_s']}/s ({figures['rate_vs_raw_parse']:.1%} of the raw parse)")
    return figures


async def dunning(cfg: BenchConfig) -> dict[str, Any]:
    say(f"  dunning {cfg.dunning_customers:,} customers / {cfg.dunning_invoices:,} invoices "
        "(publishing and consuming them takes most of it) ...")
    figures = await _child(cfg, "dunning_scale.py", "--invoices", str(cfg.dunning_invoices),
                           "--customers", str(cfg.dunning_customers))
    say(f"    dry run {figures['dry_run_s']} s, run {figures['run_s']} s")
    return figures


async def peer(cfg: BenchConfig) -> dict[str, Any]:
    say(f"  the ageing projection on the eventsourcing library (at most {cfg.peer_seconds:.0f} s)")
    figures = await _child(cfg, "peer_eventsourcing.py", "--events", str(cfg.events),
                           "--customers", str(cfg.customers), "--seed", str(cfg.seed),
                           "--seconds", str(cfg.peer_seconds), "--dsn", cfg.pg_dsn,
                           "--schema", cfg.schema("peer"),
                           "--limit", str(min(cfg.events, PEER_EVENTS)))
    say(f"    {figures['events']:,} events in {figures['seconds']} s = "
        f"{figures['events_per_s']:,.0f}/s")
    return figures
