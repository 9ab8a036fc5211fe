"""The four services as real uvicorn processes on our own infrastructure, so a fault can
kill -9 one and start it again (same port, same schemas, same consumer group)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from . import auth
from .infra import HOME, ROOT, Infra

PACKAGES = {
    "invoicing": "ledgerline_invoicing",
    "cash-application": "ledgerline_cash",
    "collections": "ledgerline_collections",
    "credit": "ledgerline_credit",
}
PREFIX = "faults"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(infra: Infra) -> dict[str, str]:
    return {**os.environ, **auth.ENV,
            "LEDGERLINE_KAFKA_BOOTSTRAP": infra.bootstrap, "LEDGERLINE_PG_DSN": infra.dsn,
            "LEDGERLINE_TOPIC_PREFIX": f"{PREFIX}.", "LEDGERLINE_SCHEMA_PREFIX": f"{PREFIX}_",
            "LEDGERLINE_LOG_JSON": "true", "LEDGERLINE_LOG_LEVEL": "WARNING",
            # collections' letter post, on our own mail server; a killed sender's claim runs
            # out after 4 s (faultlab/letters.py)
            "LEDGERLINE_LETTER_POST_ENABLED": "true", "LEDGERLINE_SMTP_PORT": str(infra.smtp_port),
            "LEDGERLINE_LETTER_POST_POLL_S": "0.2", "LEDGERLINE_LETTER_POST_LEASE_S": "4"}


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    instance: str = "main"
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return HOME / "logs" / f"{self.name}-{self.instance}.log"

    def spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        app = f"{PACKAGES[self.name]}.api.app:create_app"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(ROOT / ".venv/bin/uvicorn"), "--factory", app, "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    async def start(self, timeout: float = 90.0) -> None:
        self.spawn()
        await self.wait_ready(timeout)

    async def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while True:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited ({self.proc.returncode}), see "
                                       f"{self.log_path}; it ends with:\n{self.log_tail()}")
                try:
                    if (await http.get(f"{self.url}/ready", headers=auth.headers())).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"{self.name} not ready after {timeout} s, see "
                                       f"{self.log_path}; it ends with:\n{self.log_tail()}")
                await asyncio.sleep(0.3)

    def log_tail(self, lines: int = 30) -> str:
        """The reason a start failed, in the failure itself (a CI run keeps no log files)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill9(self) -> None:
        """The crash: no shutdown hook runs, in-flight requests and batches are cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()


@dataclass
class Fleet:
    infra: Infra
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    async def start(self) -> None:
        env = service_env(self.infra)
        self.services = {name: ServiceProcess(name, env) for name in PACKAGES}
        # One at a time: the first start of each installs its schemas.
        for service in self.services.values():
            await service.start()

    def url(self, name: str) -> str:
        return self.services[name].url

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()

    def dead(self) -> list[str]:
        """Services whose process died without being asked to."""
        return [n for n, s in self.services.items() if s.proc is None or s.proc.poll() is not None]

    async def wait_ready(self, timeout: float = 120.0) -> None:
        await asyncio.gather(*(s.wait_ready(timeout) for s in self.services.values()))

    def second_instance(self, name: str) -> ServiceProcess:
        """Another process of the service: same group, schemas and relay lock."""
        return ServiceProcess(name, self.services[name].env, instance="second")
