"""The admin replay endpoint every service gets from the runtime host, and the `ledgerline`
command run as an operator would run it: once as the installed process, then in a thread
(see `cli_run`) with the same settings."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ledgerline_events.runtime import create_pool, rebuild_schema
from ledgerline_ops.audit import audit
from ledgerline_ops.in_process import environment
from ledgerline_ops.services import SERVICES
from ledgerline_ops.simulation import Simulation, SimulationConfig

from .cli_run import ledgerline
from .stack import bearer, running_stack

pytestmark = pytest.mark.integration
LEDGERLINE = str(Path(sys.executable).parent / "ledgerline")


def ledgerline_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LEDGERLINE, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120, check=False)


async def test_admin_replay_and_the_command_line(
    kafka_bootstrap: str, pg_dsn: str, schema_prefix: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with running_stack(kafka_bootstrap, pg_dsn, schema_prefix.rstrip("_")) as stack:
        config = SimulationConfig(customers=6, months=1, seed=3, start=date(2026, 9, 1),
                                  verbose=False)
        await Simulation(config, stack.services).run()
        http = stack.services.collections

        anonymous = {"Authorization": ""}
        assert (await http.post("/admin/replay", json={}, headers=anonymous)).status_code == 401
        finance = bearer("fay", "finance")
        assert (await http.post("/admin/replay", json={}, headers=finance)).status_code == 403
        admin = bearer("ada", "admin")
        refused = await http.post("/admin/replay", json={"swap": True, "as_of": "2026-09-15T00:00:00Z"},
                                  headers=admin)
        assert refused.status_code == 422
        started = await http.post("/admin/replay", json={"swap": True}, headers=admin)
        assert started.status_code == 202, started.text
        for _ in range(200):
            state = (await http.get("/admin/replay", headers=admin)).json()
            if state["state"] != "running":
                break
            await asyncio.sleep(0.1)
        assert state["state"] == "done" and state["applied"] > 0 and state["retired_schema"]

        env = stack.env
        out = tmp_path / "ageing.csv"
        exported = await asyncio.to_thread(ledgerline_process, env, "export", "ageing", "--as-of",
                                           "2026-09-30", "--format", "csv", "--output", str(out))
        assert exported.returncode == 0, exported.stderr
        assert out.read_text().startswith("report,as_of,section,")
        audited = await ledgerline(capsys, env, "audit", "collections", "--against", str(out))
        assert audited.returncode == 0, audited.stdout + audited.stderr
        assert "0 differences" in audited.stdout and "ev/s" in audited.stderr
        await two_operators_at_once(capsys, env)
        migrated = await ledgerline(capsys, env, "migrate", "invoicing")  # the start did it
        assert migrated.returncode == 0, migrated.stderr
        assert "0 migrations applied" in migrated.stdout and "_read: up to date" in migrated.stdout
        for service in ("invoicing", "cash-application", "credit"):  # a rebuild against live
            rebuilt = await ledgerline(capsys, env, "audit", service)
            assert rebuilt.returncode == 0, service + rebuilt.stdout + rebuilt.stderr
            assert "0 differences" in rebuilt.stdout, service + rebuilt.stdout
        closed = await ledgerline(capsys, env, "close-month", "--month", "2026-09",
                                  "--reports-dir", str(tmp_path))
        assert closed.returncode == 0, closed.stderr
        stored = json.loads((tmp_path / "collections-ageing-and-balances-2026-09.json").read_text())
        stored["rows"][0]["amount"] = "1"  # tampered with after the close
        (tmp_path / "collections-ageing-and-balances-2026-09.json").write_text(json.dumps(stored))
        checked = await ledgerline(capsys, env, "audit", "collections", "--against-snapshot",
                                   "2026-09", "--reports-dir", str(tmp_path))
        assert checked.returncode == 1 and "DOES NOT MATCH" in checked.stdout
        assert "1 differences" in checked.stdout


async def two_operators_at_once(capsys: pytest.CaptureFixture[str], env: dict[str, str]) -> None:
    """Audits run side by side in schemas of their own, one customer's or everyone's, and
    leave nothing behind; a second rebuild into a schema being rebuilt is refused."""
    with environment(env):
        settings = SERVICES["collections"].settings()
    now = datetime.now(UTC)
    everyone, one = await asyncio.gather(
        audit(SERVICES["collections"], settings, now),
        audit(SERVICES["collections"], settings, now, customer_id="C-0001"))
    assert everyone.clean and one.clean
    assert 0 < len(one.rebuilt.rows) < len(everyone.rebuilt.rows)
    assert {r.customer_id for r in one.rebuilt.rows} == {"C-0001"}
    only = await ledgerline(capsys, env, "audit", "collections", "--customer", "C-0001")
    assert only.returncode == 0 and "0 differences" in only.stdout, only.stdout + only.stderr
    assert "consumer." not in only.stdout  # logs go to stderr; stdout is the report

    pool = await create_pool(settings.pg_dsn, min_size=1, max_size=1)
    try:
        left = await pool.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1",
                                   f"{settings.read_schema}_audit%")
        assert left == 0
        async with pool.acquire() as conn:  # as a rebuild running elsewhere holds it
            target = rebuild_schema(settings.read_schema)
            key = await conn.fetchval("SELECT hashtextextended($1, 0)", f"rebuild:{target}")
            await conn.execute("SELECT pg_advisory_lock($1)", key)
            refused = await ledgerline(capsys, env, "replay", "collections")
            await conn.execute("SELECT pg_advisory_unlock($1)", key)
    finally:
        await pool.close()
    assert refused.returncode == 2 and "already running" in refused.stderr, refused.stderr
