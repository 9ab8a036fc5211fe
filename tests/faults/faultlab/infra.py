"""Our own Kafka broker, PostgreSQL server and mail server (Mailpit) for fault tests (never the
shared ones): started and stopped with the project's scripts, data under .local/faults/, their
own ports."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOME = Path(os.environ.get("LEDGERLINE_FAULTS_HOME", ROOT / ".local" / "faults"))
SCRIPTS = ROOT / "deploy" / "local"


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Infra:
    kafka_port: int = int(os.environ.get("LEDGERLINE_FAULTS_KAFKA_PORT", "29092"))
    controller_port: int = int(os.environ.get("LEDGERLINE_FAULTS_CONTROLLER_PORT", "29093"))
    pg_port: int = int(os.environ.get("LEDGERLINE_FAULTS_PG_PORT", "25432"))
    smtp_port: int = int(os.environ.get("LEDGERLINE_FAULTS_SMTP_PORT", "21025"))
    mail_api_port: int = int(os.environ.get("LEDGERLINE_FAULTS_MAIL_API_PORT", "28025"))

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def mail_api(self) -> str:
        return f"http://127.0.0.1:{self.mail_api_port}"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/ledgerline"

    def _env(self) -> dict[str, str]:
        return {**os.environ,
                "LEDGERLINE_KAFKA_HOME": str(HOME / "kafka"),
                "LEDGERLINE_KAFKA_PORT": str(self.kafka_port),
                "LEDGERLINE_KAFKA_CONTROLLER_PORT": str(self.controller_port),
                "LEDGERLINE_PG_HOME": str(HOME / "postgres"),
                "LEDGERLINE_PG_PORT": str(self.pg_port),
                "LEDGERLINE_MAILPIT_HOME": str(HOME / "mailpit"),
                "LEDGERLINE_SMTP_PORT": str(self.smtp_port),
                "LEDGERLINE_MAILPIT_HTTP_PORT": str(self.mail_api_port)}

    def _script(self, name: str, action: str) -> None:
        # The scripts wait up to 180 s for a broker loading its log on a busy machine.
        subprocess.run([str(SCRIPTS / name), action], env=self._env(), check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def fresh(self) -> None:
        """Start both from empty data directories (a previous run's data is discarded)."""
        for port in (self.kafka_port, self.controller_port, self.pg_port, self.smtp_port,
                     self.mail_api_port):
            if port_open(port):
                raise RuntimeError(
                    f"port {port} is in use: another fault run? (LEDGERLINE_FAULTS_HOME and "
                    f"LEDGERLINE_FAULTS_*_PORT run one beside it; tests/faults/README.md)")
        shutil.rmtree(HOME, ignore_errors=True)
        HOME.mkdir(parents=True)
        self.start_postgres()
        self.start_kafka()
        self._script("mailpit.sh", "start")

    def stop(self) -> None:
        try:
            self.stop_kafka()
        finally:
            self.stop_postgres()
            self._script("mailpit.sh", "stop")

    def start_kafka(self) -> None:
        self._script("kafka.sh", "start")

    def stop_kafka(self) -> None:
        self._script("kafka.sh", "stop")

    def start_postgres(self) -> None:
        self._script("postgres.sh", "start")

    def stop_postgres(self) -> None:
        self._script("postgres.sh", "stop")

    async def run(self, action: str) -> None:
        """One of the methods above without blocking the event loop (the workload goes on)."""
        await asyncio.to_thread(getattr(self, action))
