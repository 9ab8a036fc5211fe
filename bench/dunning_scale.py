"""The dunning run at scale (issue 26): M invoices over C customers, all overdue by 10 to 120
days, known to collections; then `POST /dunning-runs` dry (the letters drafted, nothing sent)
and for real (every letter recorded), timed, with the process's peak memory before and after.
Collections runs in this process (alone: the other services would only share its core) on the
real broker and database.

    .venv/bin/python bench/dunning_scale.py --invoices 50000 --customers 5000
    BENCH_PROFILE=/tmp/dunning.prof .venv/bin/python bench/dunning_scale.py ...  # .dry, .run
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import random
import resource
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from aiokafka import AIOKafkaProducer

from bench.statement_import import KAFKA, PG, emit, forget, invoice_event, invoices, until

RUN_DATE = datetime(2026, 11, 2, tzinfo=UTC)


def rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


async def run(m: int, customers: int, seed: int) -> dict[str, Any]:
    os.environ.setdefault("LEDGERLINE_AUTH_JWT_SECRET", secrets.token_urlsafe(32))
    os.environ["LEDGERLINE_DUNNING_SCHEDULE_ENABLED"] = "false"
    from ledgerline_events.runtime.auth import ROLES, mint_token
    from ledgerline_ops.in_process import running_services

    rng = random.Random(seed)
    book = invoices(m, customers, rng)
    prefix = f"bdn{uuid.uuid4().hex[:6]}"
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], "bench", sorted(ROLES))
    results: dict[str, Any] = {"invoices": m, "customers": customers}
    async with running_services(KAFKA, PG, prefix,
                                headers={"Authorization": f"Bearer {token}"},
                                only=("collections",)) as s:
        producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks=1, linger_ms=20,
                                    max_batch_size=1 << 20)
        await producer.start()
        for n, (customer, number, gross) in enumerate(book):
            issued = RUN_DATE - timedelta(days=40 + n % 110)  # 10 to 120 days overdue
            await producer.send(s.topics.invoicing, invoice_event(customer, number, gross,
                                                                  issued=issued),
                                key=customer.encode())
        await producer.flush()
        await producer.stop()
        db = await asyncpg.connect(PG)

        async def known() -> bool:
            return bool(await db.fetchval(
                f'SELECT count(*) FROM "{prefix}_collections_read".invoice') == m)
        results["invoices_known_s"] = round(await until(known, 3600, "invoices"), 1)
        await db.close()
        http = s.clients["collections"]
        for dry in (True, False):
            before = rss_mb()
            profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
            if profile:
                profile.enable()
            started = time.perf_counter()
            answer = await http.post("/dunning-runs", json={
                "run_date": RUN_DATE.date().isoformat(), "dry_run": dry},
                headers={"Idempotency-Key": f"bench-run-{dry}"}, timeout=3600)
            took = time.perf_counter() - started
            if profile:
                profile.disable()
                profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{'dry' if dry else 'run'}")
            assert answer.status_code in (200, 201), answer.text[:300]
            body = answer.json()
            label = "dry_run" if dry else "run"
            results[f"{label}_s"] = round(took, 1)
            results[f"{label}_letters"] = len(body["letters"]) if dry else body["letters_sent"]
            results[f"{label}_accounts_per_s"] = round(customers / took)
            results[f"{label}_peak_rss_mb"] = rss_mb()
            results[f"{label}_rss_growth_mb"] = rss_mb() - before
    await forget(prefix)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--invoices", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--output", type=Path, help="append the figures as a JSON line")
    args = p.parse_args()
    emit(asyncio.run(run(args.invoices, args.customers, args.seed)), args.output)


if __name__ == "__main__":
    main()
