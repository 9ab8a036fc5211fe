"""Run-wide settings of the benchmark: sizes, addresses and the names that isolate one run."""

from __future__ import annotations

import argparse
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ledgerline_events.contract import Topics

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


@dataclass(frozen=True)
class BenchConfig:
    events: int = 1_000_000
    customers: int = 100_000
    seed: int = 20260301
    rates: tuple[int, ...] = (200, 500)
    load_seconds: float = 20.0
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    pg_dsn: str = os.environ.get(
        "LEDGERLINE_PG_DSN", "postgresql://postgres@127.0.0.1:15432/ledgerline")
    bootstrap: str = os.environ.get("LEDGERLINE_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    base_port: int = 18100
    keep_schemas: bool = False
    skip: frozenset[str] = frozenset()
    replay_workers: int = 2
    # The scale phases (issue 26), each in its own child process with its own size.
    import_entries: int = 50_000
    import_invoices: int = 100_000
    dunning_invoices: int = 1_000_000
    dunning_customers: int = 100_000
    peer_seconds: float = 60.0

    @property
    def topic_prefix(self) -> str:
        return f"bench-{self.run_id}."

    @property
    def schema_prefix(self) -> str:
        return f"bench_{self.run_id}_"

    @property
    def topics(self) -> Topics:
        return Topics(prefix=self.topic_prefix)

    def schema(self, name: str) -> str:
        return f"{self.schema_prefix}{name}"


def parse_args(argv: list[str] | None = None) -> BenchConfig:
    env = os.environ
    p = argparse.ArgumentParser(description="ledgerline benchmark (see bench/README.md)")
    p.add_argument("--events", type=int, default=int(env.get("BENCH_EVENTS") or 1_000_000))
    p.add_argument("--customers", type=int, default=int(env.get("BENCH_CUSTOMERS") or 100_000))
    p.add_argument("--seed", type=int, default=20260301)
    p.add_argument("--rates", default=env.get("BENCH_RATES") or "200,300,500",
                   help="end-to-end request rates, comma separated")
    p.add_argument("--load-seconds", type=float,
                   default=float(env.get("BENCH_LOAD_SECONDS") or 20))
    p.add_argument("--skip", default=env.get("BENCH_SKIP") or "",
                   help="phases to skip: limits,replay,naive,peer,services,reads,month-end,"
                        "import,dunning (comma separated)")
    p.add_argument("--keep-schemas", action="store_true",
                   help="keep the schemas and topics (to reuse them: BENCH_REUSE)")
    p.add_argument("--replay-workers", type=int,
                   default=int(env.get("BENCH_REPLAY_WORKERS") or 2),
                   help="processes sharing each rebuild's partitions (default 2)")
    p.add_argument("--import-entries", type=int,
                   default=int(env.get("BENCH_IMPORT_ENTRIES") or 50_000))
    p.add_argument("--import-invoices", type=int,
                   default=int(env.get("BENCH_IMPORT_INVOICES") or 100_000))
    p.add_argument("--dunning-invoices", type=int,
                   default=int(env.get("BENCH_DUNNING_INVOICES") or 1_000_000))
    p.add_argument("--dunning-customers", type=int,
                   default=int(env.get("BENCH_DUNNING_CUSTOMERS") or 100_000))
    p.add_argument("--peer-seconds", type=float, default=60.0,
                   help="the eventsourcing peer's projection runs at most this long")
    a = p.parse_args(argv)
    return BenchConfig(
        events=a.events, customers=a.customers, seed=a.seed,
        rates=tuple(int(r) for r in a.rates.split(",") if r),
        load_seconds=a.load_seconds, keep_schemas=a.keep_schemas,
        skip=frozenset(s for s in a.skip.split(",") if s), replay_workers=a.replay_workers,
        import_entries=a.import_entries, import_invoices=a.import_invoices,
        dunning_invoices=a.dunning_invoices, dunning_customers=a.dunning_customers,
        peer_seconds=a.peer_seconds,
    )
