"""Running a replay job in a child process and collecting its `RESULT` line."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import orjson

from .config import ROOT, BenchConfig


async def replay_job(cfg: BenchConfig, job: str, schema: str, *extra: str) -> dict[str, Any]:
    """Run `python -m bench.replay JOB` and echo its progress; returns its result dict."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.replay", job, "--dsn", cfg.pg_dsn,
        "--bootstrap", cfg.bootstrap, "--topic-prefix", cfg.topic_prefix, "--schema", schema,
        *extra, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    result: dict[str, Any] | None = None
    async for raw in proc.stdout:
        line = raw.decode().rstrip()
        if line.startswith("RESULT "):
            result = orjson.loads(line[7:])
        else:
            print(line, flush=True)
    if await proc.wait() != 0 or result is None:
        raise RuntimeError(f"replay job {job} failed (exit {proc.returncode})")
    return result
