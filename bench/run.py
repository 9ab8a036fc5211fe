"""ledgerline benchmark: `make bench [BENCH_EVENTS=… BENCH_CUSTOMERS=…]` or
`.venv/bin/python bench/run.py --help`. See bench/README.md."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bench import kafka_io, latency, limits, report
from bench.config import BENCH_DIR, BenchConfig, parse_args
from bench.jobs import replay_job
from bench.progress import say
from bench.services import Services

NAIVE_SECONDS = 30.0


async def replay_phase(cfg: BenchConfig, results: dict[str, Any]) -> None:
    say("[3/6] projection rebuilds (runtime rebuild(), real projection classes)")
    results["replay"] = {
        "ageing": await replay_job(cfg, "ageing", cfg.schema("collections_read")),
        "open_items": await replay_job(cfg, "open_items", cfg.schema("cash_application_read")),
    }
    if "naive" not in cfg.skip:
        say(f"[4/6] naive baseline: one event per transaction (at most {NAIVE_SECONDS:.0f} s each)")
        limit = ["--limit", str(cfg.events), "--seconds", str(NAIVE_SECONDS)]
        results["naive"] = {
            name: await replay_job(cfg, f"naive-{name}", cfg.schema(f"naive_{name}"), *limit)
            for name in ("ageing", "open_items")
        }


async def services_phase(cfg: BenchConfig, results: dict[str, Any]) -> None:
    say("[5/6] read models of the services under test (collections activity, credit)")
    await replay_job(cfg, "activity", cfg.schema("collections_activity"))
    await move_tables(cfg, cfg.schema("collections_activity"), cfg.schema("collections_read"))
    results["credit_rebuild"] = await replay_job(cfg, "credit", cfg.schema("credit_read"))
    svc = Services(cfg)
    svc.start()
    try:
        await svc.wait_ready()
        say("[6/6] read latency, then end-to-end latency")
        results["reads"] = await latency.reads(cfg, svc)
        results["e2e"] = {}
        await latency.end_to_end(cfg, svc, results["e2e"])
    finally:
        svc.stop()


async def move_tables(cfg: BenchConfig, source: str, target: str) -> None:
    """Tables of the activity projection join the collections read schema, whose offsets
    already cover its topic (the Receivables rebuild read all three topics)."""
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        names = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT IN"
            " ('consumer_offset', 'processed_event', 'read_model_generation')", source)
        for r in names:
            await conn.execute(f'ALTER TABLE "{source}"."{r[0]}" SET SCHEMA "{target}"')
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
        say(f"  dropped {len(names)} schemas {cfg.schema_prefix}* (topics {cfg.topic_prefix}* kept)")
    finally:
        await conn.close()


async def main(cfg: BenchConfig) -> dict[str, Any]:
    results: dict[str, Any] = {
        "run_id": cfg.run_id, "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "events": cfg.events, "customers": cfg.customers, "seed": cfg.seed,
        "cpus": os.cpu_count(), "topic_prefix": cfg.topic_prefix, "notes": []}
    say(f"ledgerline bench {cfg.run_id}: {cfg.events:,} events, {cfg.customers:,} customers")
    try:
        say("[1/6] generate and publish the history")
        results["publish"] = await kafka_io.publish(cfg)
        if "limits" not in cfg.skip:
            say("[2/6] limits: raw consume, raw COPY")
            results["limits"] = {"consume": await kafka_io.raw_consume(cfg),
                                 "copy": await limits.raw_copy(cfg)}
        await replay_phase(cfg, results)
        if "services" in cfg.skip:
            results["e2e_skipped"] = "not measured: skipped (--skip services)"
        else:
            await services_phase(cfg, results)
    finally:
        if not cfg.keep_schemas:
            await drop_schemas(cfg)
        results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        say("\n" + report.write(results, BENCH_DIR))
    return results


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
