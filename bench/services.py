"""The services under test, as uvicorn child processes isolated by topic and schema prefix."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ledgerline_events.runtime.auth import mint_token

from .config import ROOT, BenchConfig
from .progress import say

QUIET_CPU_S = 0.05  # all services together, per second

APPS = {
    "credit": ("ledgerline_credit.api.app:create_app", 1),
    "cash-application": ("ledgerline_cash.api.app:create_app", 3),
    "collections": ("ledgerline_collections.api.app:create_app", 4),
}


@dataclass
class Services:
    cfg: BenchConfig
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ledgerline-bench-")))

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.cfg.base_port + APPS[service][1]}"

    def start(self) -> None:
        # The services refuse to start without a secret; the bench (and its load generator
        # process) call them with an admin token from LEDGERLINE_AUTH_TOKEN.
        secret = os.environ.setdefault("LEDGERLINE_AUTH_JWT_SECRET", secrets.token_urlsafe(32))
        os.environ.setdefault("LEDGERLINE_AUTH_TOKEN",
                              mint_token(secret, "bench", ["admin"], ttl_s=24 * 3600))
        env = {**os.environ, "LEDGERLINE_TOPIC_PREFIX": self.cfg.topic_prefix,
               "LEDGERLINE_SCHEMA_PREFIX": self.cfg.schema_prefix,
               "LEDGERLINE_PG_DSN": self.cfg.pg_dsn,
               "LEDGERLINE_KAFKA_BOOTSTRAP": self.cfg.bootstrap,
               "LEDGERLINE_LOG_LEVEL": "WARNING"}
        for name, (factory, offset) in APPS.items():
            log = (self.log_dir / f"{name}.log").open("wb")
            self.procs[name] = subprocess.Popen(
                [str(ROOT / ".venv/bin/uvicorn"), "--factory", factory, "--host", "127.0.0.1",
                 "--port", str(self.cfg.base_port + offset), "--no-access-log",
                 "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        say(f"  services starting (logs in {self.log_dir})")

    async def wait_ready(self, timeout_s: float = 120.0) -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            for name in APPS:
                deadline = asyncio.get_running_loop().time() + timeout_s
                while True:
                    if self.procs[name].poll() is not None:
                        raise RuntimeError(f"{name} exited; see {self.log_dir}/{name}.log")
                    try:
                        if (await client.get(self.url(name) + "/ready")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if asyncio.get_running_loop().time() > deadline:
                        raise RuntimeError(f"{name} not ready; see {self.log_dir}/{name}.log")
                    await asyncio.sleep(0.5)
        say("  services ready: " + ", ".join(f"{n} {self.url(n)}" for n in APPS))
        await self.wait_caught_up(timeout_s)
        await self.wait_quiet(timeout_s=600.0)

    async def wait_caught_up(self, timeout_s: float) -> None:
        """Until every consumer has applied what its topics hold: a service still catching up
        (credit acting on the history) would take the CPU the load phases measure."""
        began, quiet = asyncio.get_running_loop().time(), 0
        async with httpx.AsyncClient(timeout=5.0) as client:
            while asyncio.get_running_loop().time() - began < timeout_s:
                lags = {name: _lag((await client.get(self.url(name) + "/metrics")).text)
                        for name in APPS}
                quiet = quiet + 1 if all(lag == 0 for lag in lags.values()) else 0
                if quiet >= 3:  # a command a consumer issued shows up as lag a moment later
                    say(f"  consumers caught up after {asyncio.get_running_loop().time() - began:.0f} s")
                    return
                await asyncio.sleep(1.0)
        say(f"  consumers still behind after {timeout_s:.0f} s: {lags}")

    async def wait_quiet(self, timeout_s: float) -> None:
        """Until the services use almost no CPU: no lag is not enough, as credit's daily hold
        sweep over every customer runs at start-up (about 75 s at 100,000 customers) and
        shows no lag between its chunks, while it takes the CPU the latency phases measure."""
        began, quiet = time.monotonic(), 0
        before = _cpu_seconds(self.procs.values())
        while time.monotonic() - began < timeout_s:
            await asyncio.sleep(1.0)
            now = _cpu_seconds(self.procs.values())
            quiet = quiet + 1 if now - before < QUIET_CPU_S else 0
            before = now
            if quiet >= 3:
                say(f"  services quiet after {time.monotonic() - began:.0f} s")
                return
        say(f"  services still busy after {timeout_s:.0f} s")

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {os.environ['LEDGERLINE_AUTH_TOKEN']}"}

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                say(f"  {name} did not stop; killing pid {proc.pid}")
                proc.kill()
                proc.wait()
        self.procs.clear()


def _cpu_seconds(procs: Iterable[subprocess.Popen[bytes]]) -> float:
    """User and system CPU the processes used so far (Linux /proc; 0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in procs:
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _lag(metrics: str) -> int | None:
    """Sum of `ledgerline_consumer_lag` over topics from the Prometheus text; None before the
    consumer knows its partitions' ends."""
    values = [int(float(line.rsplit(" ", 1)[1])) for line in metrics.splitlines()
              if line.startswith("ledgerline_consumer_lag{")]
    return sum(values) if values else None
