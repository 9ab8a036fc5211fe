"""ledgerline benchmark: `make bench [BENCH_EVENTS=… BENCH_CUSTOMERS=…]` or
`.venv/bin/python bench/run.py --help`. See bench/README.md."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bench import kafka_io, latency, limits, month_end, report, scale
from bench.config import BENCH_DIR, BenchConfig, parse_args
from bench.jobs import replay_job
from bench.progress import say
from bench.services import Services
from ledgerline_events.contract import decode
from ledgerline_events.runtime.topics_admin import delete_topics, topic_names

NAIVE_SECONDS = 30.0


async def replay_phase(cfg: BenchConfig, results: dict[str, Any]) -> None:
    say("[3/6] projection rebuilds (runtime rebuild(), real projection classes)")
    workers = ["--workers", str(cfg.replay_workers)]
    replays = {
        "ageing": await replay_job(cfg, "ageing", cfg.schema("collections_read"), *workers),
        "open_items": await replay_job(cfg, "open_items", cfg.schema("cash_application_read"),
                                       *workers),
    }
    if "replay" in cfg.skip:  # built because the services read them, not reported
        results["notes"].append("replays ran only to fill the read models (--skip replay)")
    else:
        results["replay"] = replays
    if "naive" not in cfg.skip:
        say(f"[4/6] naive baseline: one event per transaction (at most {NAIVE_SECONDS:.0f} s each)")
        limit = ["--limit", str(cfg.events), "--seconds", str(NAIVE_SECONDS)]
        results["naive"] = {
            name: await replay_job(cfg, f"naive-{name}", cfg.schema(f"naive_{name}"), *limit)
            for name in ("ageing", "open_items")
        }
    if "peer" not in cfg.skip:
        say("[4b] the peer: the same ageing projection on the eventsourcing library")
        results["peer"] = await scale.peer(cfg)


async def services_phase(cfg: BenchConfig, results: dict[str, Any]) -> None:
    if await schema_exists(cfg, cfg.schema("credit_read")):
        say("[5/6] read models of the services: kept from the reused run")
    else:
        say("[5/6] read models of the services under test (collections activity, credit)")
        workers = ["--workers", str(cfg.replay_workers)]
        await replay_job(cfg, "activity", cfg.schema("collections_activity"), *workers)
        await move_tables(cfg, cfg.schema("collections_activity"), cfg.schema("collections_read"))
        results["credit_rebuild"] = await replay_job(cfg, "credit", cfg.schema("credit_read"),
                                                     *workers)
    svc = Services(cfg)
    svc.start()
    try:
        await svc.wait_ready()
        if "reads" not in cfg.skip:
            say("[6/6] read latency, then end-to-end latency")
            results["reads"] = await latency.reads(cfg, svc)
        else:
            say("[6/6] end-to-end latency (reads skipped)")
        results["e2e"] = {}
        await latency.end_to_end(cfg, svc, results["e2e"])
    finally:
        svc.stop()


async def scale_phases(cfg: BenchConfig, results: dict[str, Any]) -> None:
    """Where finance users wait: the morning's bank file and the dunning run."""
    if "import" not in cfg.skip:
        say("[8] the morning's bank file")
        results["bank_file"] = await scale.bank_file(cfg)
    if "dunning" not in cfg.skip:
        say("[9] the dunning run")
        results["dunning"] = await scale.dunning(cfg)


async def schema_exists(cfg: BenchConfig, name: str) -> bool:
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", name))
    finally:
        await conn.close()


async def forget_request_keys(cfg: BenchConfig) -> None:
    """The load plans name their Idempotency-Keys after the run id: a reused run would get
    the earlier answers (or 422 for another body), so the bench's own keys are dropped."""
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        tables = await conn.fetch(
            "SELECT schemaname FROM pg_tables WHERE tablename = 'idempotency_key'"
            " AND schemaname LIKE $1", cfg.schema_prefix.replace("_", r"\_") + "%")
        for t in tables:
            await conn.execute(f'DELETE FROM "{t[0]}".idempotency_key WHERE key LIKE $1',
                               f"bench-{cfg.run_id}-%")
    finally:
        await conn.close()


def results_dir() -> Path:
    """BENCH_RESULTS_DIR keeps iteration runs from overwriting bench/results.md."""
    out = Path(os.environ.get("BENCH_RESULTS_DIR") or BENCH_DIR)
    out.mkdir(parents=True, exist_ok=True)
    return out


def reusing(cfg: BenchConfig) -> BenchConfig:
    """BENCH_REUSE=<run id>: the topics and kept schemas (`--keep-schemas`) of an earlier run,
    so only the services phase runs; the schemas are kept again for the next iteration."""
    run_id = os.environ.get("BENCH_REUSE")
    if not run_id:
        return cfg
    return dataclasses.replace(cfg, run_id=run_id, keep_schemas=True)


async def history_phases(cfg: BenchConfig, results: dict[str, Any]) -> None:
    say("[1/6] generate and publish the history")
    results["publish"] = await kafka_io.publish(cfg)
    if "limits" not in cfg.skip:
        say("[2/6] limits: raw consume, raw COPY; and consume with the contract's decode")
        results["limits"] = {"consume": await kafka_io.raw_consume(cfg),
                             "copy": await limits.raw_copy(cfg),
                             "consume_decoded": await kafka_io.raw_consume(
                                 cfg, decode, "consume + contract decode")}
    await replay_phase(cfg, results)


async def move_tables(cfg: BenchConfig, source: str, target: str) -> None:
    """Tables of the activity projection (and its version) join the collections read schema,
    whose offsets already cover its topic (the Receivables rebuild read all three topics)."""
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        names = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT IN"
            " ('consumer_offset', 'processed_event', 'read_model_generation', 'projection_version')",
            source)
        for r in names:
            await conn.execute(f'ALTER TABLE "{source}"."{r[0]}" SET SCHEMA "{target}"')
        await conn.execute(  # else the service's start would find them outdated and rebuild
            f'INSERT INTO "{target}".projection_version SELECT * FROM "{source}".projection_version'
            " ON CONFLICT DO NOTHING")
        await conn.execute(f'DROP SCHEMA "{source}" CASCADE')
    finally:
        await conn.close()


async def drop_schemas(cfg: BenchConfig) -> None:
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        names = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
                                 cfg.schema_prefix.replace("_", r"\_") + "%")
        for r in names:
            await conn.execute(f'DROP SCHEMA "{r[0]}" CASCADE')
        say(f"  dropped {len(names)} schemas {cfg.schema_prefix}*")
    finally:
        await conn.close()


async def drop_topics(cfg: BenchConfig) -> None:
    """A history is about a gigabyte of log: kept only with --keep-schemas (to reuse it)."""
    names = [n for n in await topic_names(cfg.bootstrap) if n.startswith(cfg.topic_prefix)]
    await delete_topics(cfg.bootstrap, names)
    say(f"  deleted {len(names)} topics {cfg.topic_prefix}*")


async def main(cfg: BenchConfig) -> dict[str, Any]:
    results: dict[str, Any] = {
        "run_id": cfg.run_id, "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "events": cfg.events, "customers": cfg.customers, "seed": cfg.seed,
        "cpus": os.cpu_count(), "topic_prefix": cfg.topic_prefix, "notes": []}
    say(f"ledgerline bench {cfg.run_id}: {cfg.events:,} events, {cfg.customers:,} customers")
    reused = cfg.run_id == os.environ.get("BENCH_REUSE")
    try:
        if reused:
            if not await schema_exists(cfg, cfg.schema("cash_application_read")):
                raise SystemExit(f"BENCH_REUSE={cfg.run_id}: no kept schemas {cfg.schema_prefix}*"
                                 " (run once with --keep-schemas)")
            say("[1-4/6] reusing the published history and rebuilt read models of that run")
            await forget_request_keys(cfg)
            results["notes"].append(f"reused run {cfg.run_id}: invoices paid by its earlier "
                                    "e2e phases stay paid")
        else:
            await history_phases(cfg, results)
        if "services" in cfg.skip:
            results["e2e_skipped"] = "not measured: skipped (--skip services)"
        else:
            await services_phase(cfg, results)
        if "month-end" not in cfg.skip and not reused:
            say("[7] month-end at this size: close-month, then an audit of each service")
            built = ["collections", "cash-application"] + (
                ["credit"] if await schema_exists(cfg, cfg.schema("credit_read")) else [])
            results["month_end"] = await month_end.month_end(cfg, built)
        await scale_phases(cfg, results)
    finally:
        if not cfg.keep_schemas:
            await drop_schemas(cfg)
            await drop_topics(cfg)
        results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        say("\n" + report.write(results, results_dir()))
    return results


if __name__ == "__main__":
    asyncio.run(main(reusing(parse_args())))
