"""Month-end at the bench's size (issue 26): the operator's own commands, timed, against the
read models the replays built: `ledgerline close-month` (the collections snapshot), then
`ledgerline audit` of every service whose read model the run built (collections against the
snapshot it just took, the others against live). Each is a child process, as an operator
runs it; its exit code is reported beside its time (1: the audit found differences)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from typing import Any

from .config import ROOT, BenchConfig
from .progress import say

MONTH = "2025-12"  # the history's business time spans 2025


def _env(cfg: BenchConfig) -> dict[str, str]:
    return {**os.environ, "LEDGERLINE_TOPIC_PREFIX": cfg.topic_prefix,
            "LEDGERLINE_SCHEMA_PREFIX": cfg.schema_prefix, "LEDGERLINE_PG_DSN": cfg.pg_dsn,
            "LEDGERLINE_KAFKA_BOOTSTRAP": cfg.bootstrap, "LEDGERLINE_LOG_LEVEL": "WARNING"}


async def _timed(cfg: BenchConfig, *args: str) -> dict[str, Any]:
    say(f"  ledgerline {' '.join(args)}")
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv/bin/ledgerline"), *args, cwd=ROOT, env=_env(cfg),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    took = time.perf_counter() - started
    said = [ln for ln in out.decode(errors="replace").strip().splitlines() if "ETA" not in ln]
    tail = said[-2:]
    say(f"    {took:,.1f} s, exit {proc.returncode}: {' | '.join(tail)[:300]}")
    return {"seconds": took, "exit": proc.returncode, "said": tail}


async def month_end(cfg: BenchConfig, services: list[str]) -> dict[str, Any]:
    """Close the month, then audit each of `services` (those with a live read model)."""
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as reports:
        await _timed(cfg, "migrate", "collections")  # its event store records the snapshot
        results = {"close_month": await _timed(cfg, "close-month", "--month", MONTH,
                                               "--reports-dir", reports)}
        for service in services:
            extra = (["--against-snapshot", MONTH, "--reports-dir", reports]
                     if service == "collections" else [])
            results[f"audit_{service}"] = await _timed(cfg, "audit", service, *extra)
    return results
