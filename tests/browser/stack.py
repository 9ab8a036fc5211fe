"""The four services and the dashboard as real uvicorn processes on free loopback ports,
isolated from other runs by a unique topic and schema prefix."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
FACTORIES = {
    "credit": "ledgerline_credit.api.app:create_app",
    "invoicing": "ledgerline_invoicing.api.app:create_app",
    "cash-application": "ledgerline_cash.api.app:create_app",
    "collections": "ledgerline_collections.api.app:create_app",
    "dashboard": "ledgerline_dashboard.app:create_app",
}
DASHBOARD_URL_VARS = {
    "credit": "LEDGERLINE_DASHBOARD_CREDIT_URL",
    "invoicing": "LEDGERLINE_DASHBOARD_INVOICING_URL",
    "cash-application": "LEDGERLINE_DASHBOARD_CASH_APPLICATION_URL",
    "collections": "LEDGERLINE_DASHBOARD_COLLECTIONS_URL",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    urls: dict[str, str]
    logs: Path

    def url(self, name: str) -> str:
        return self.urls[name]


def _await_health(name: str, url: str, proc: subprocess.Popen[bytes], log: Path,
                  timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited during start-up:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer /health within {timeout}s; see {log}")


@contextmanager
def running_stack(topic_prefix: str, schema_prefix: str, kafka: str, dsn: str, logs: Path,
                  timeout: float = 120.0) -> Iterator[Stack]:
    """Start the five processes, wait until each answers /health, stop them afterwards."""
    logs.mkdir(parents=True, exist_ok=True)
    urls = {name: f"http://127.0.0.1:{free_port()}" for name in FACTORIES}
    env = {
        **os.environ, "LEDGERLINE_KAFKA_BOOTSTRAP": kafka, "LEDGERLINE_PG_DSN": dsn,
        "LEDGERLINE_TOPIC_PREFIX": topic_prefix, "LEDGERLINE_SCHEMA_PREFIX": schema_prefix,
        "LEDGERLINE_LOG_LEVEL": "WARNING",
        "LEDGERLINE_LETTER_POST_ENABLED": "true", "LEDGERLINE_LETTER_POST_POLL_S": "0.5",
        "LEDGERLINE_INVOICING_URL": urls["invoicing"],  # invoice copies: invoicing's own PDF
        "LEDGERLINE_COLLECTIONS_URL": urls["collections"],  # statements: interest not claimed
        **{var: urls[name] for name, var in DASHBOARD_URL_VARS.items()},
    }
    uvicorn = str(Path(sys.executable).with_name("uvicorn"))
    procs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    try:
        for name, factory in FACTORIES.items():
            log = logs / f"{name}.log"
            port = urls[name].rsplit(":", 1)[1]
            with log.open("wb") as out:
                procs[name] = (subprocess.Popen(
                    [uvicorn, "--factory", factory, "--host", "127.0.0.1", "--port", port],
                    env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT), log)
        for name, (proc, log) in procs.items():
            _await_health(name, urls[name], proc, log, timeout)
        yield Stack(urls, logs)
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
