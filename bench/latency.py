"""Latency phases against the running services: reads (closed loop, one client) and
end-to-end payment -> allocation visible in the ageing API (open loop, separate process)."""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from .config import ROOT, BenchConfig
from .progress import say
from .services import Services

TRACKED_PER_S = 10


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def summary(ms: list[float]) -> dict[str, Any]:
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99),
            "max_ms": max(ms) if ms else None}


async def open_invoices(cfg: BenchConfig) -> list[dict[str, Any]]:
    """Open invoices (cash ledger) with the customer's open total (collections), shuffled."""
    conn = await asyncpg.connect(cfg.pg_dsn)
    try:
        rows = await conn.fetch(
            f"SELECT o.customer_id, o.invoice_number, o.currency, o.open_amount, t.total"
            f" FROM {cfg.schema('cash_application_read')}.open_item o JOIN ("
            f"  SELECT i.customer_id, sum(m.delta) AS total"
            f"  FROM {cfg.schema('collections_read')}.invoice i"
            f"  JOIN {cfg.schema('collections_read')}.invoice_movement m USING (invoice_id)"
            f"  GROUP BY 1) t USING (customer_id)"
            f" WHERE o.open_amount > 0 AND o.invoice_number IS NOT NULL")
    finally:
        await conn.close()
    found = [dict(r) for r in rows]
    random.Random(cfg.seed).shuffle(found)
    return found


def plan_payments(cfg: BenchConfig, invoices: list[dict[str, Any]], rate: int,
                  tracked_customers: set[str]) -> list[dict[str, Any]]:
    """rate x seconds payments, each paying one open invoice in full by its number; about
    TRACKED_PER_S per second are tracked, on customers no other payment touches."""
    if not invoices:
        raise RuntimeError("no open invoice left to pay: earlier iterations on this reused "
                           "history paid them all; publish a new one (run without BENCH_REUSE)")
    n = int(rate * cfg.load_seconds)
    every = max(1, rate // TRACKED_PER_S)
    first: dict[str, dict[str, Any]] = {}
    for inv in invoices:
        if inv["customer_id"] not in tracked_customers:
            first.setdefault(inv["customer_id"], inv)
    tracked = list(first.values())[: (n + every - 1) // every]
    tracked_customers.update(i["customer_id"] for i in tracked)
    free = [i for i in invoices if i["customer_id"] not in tracked_customers] or invoices
    payments = []
    for k in range(n):
        track = k % every == 0 and k // every < len(tracked)
        inv = tracked[k // every] if track else free[k % len(free)]
        payments.append({
            "key": f"bench-{cfg.run_id}-{rate}-{k}", "customer_id": inv["customer_id"],
            "currency": inv["currency"], "amount": format(inv["open_amount"], "f"),
            "invoice_number": inv["invoice_number"], "track": track,
            "visible_at_or_below": format(inv["total"] - inv["open_amount"], "f"),
        })
    return payments


async def end_to_end(cfg: BenchConfig, svc: Services, results: dict[str, Any]) -> None:
    """Fills `results` rate by rate (a failed rate keeps the earlier ones)."""
    invoices = await open_invoices(cfg)
    tracked: set[str] = set()
    results["open_invoices"] = len(invoices)
    for rate in cfg.rates:
        plan = {"rate": rate, "cash_url": svc.url("cash-application"),
                "collections_url": svc.url("collections"),
                "received_on": datetime.now(UTC).date().isoformat(),
                "payments": plan_payments(cfg, invoices, rate, tracked)}
        say(f"  e2e at {rate} req/s for {cfg.load_seconds:.0f} s "
            f"({sum(p['track'] for p in plan['payments'])} tracked payments) ...")
        busy, own = machine_busy_s(), children_cpu_s()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.loadgen", cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        stdout, _ = await proc.communicate(orjson.dumps(plan))
        # Every process but the load generator: services, broker, database, this bench.
        cpu_s = (machine_busy_s() - busy) - (children_cpu_s() - own)
        raw = orjson.loads(stdout.decode().strip().splitlines()[-1])
        results[str(rate)] = {
            "sent": raw["sent"], "achieved_rate": raw["achieved_rate"], "status": raw["status"],
            "errors": raw["errors"], "not_visible": raw["not_visible"],
            "incomplete": raw["incomplete"] + raw["shed"],
            "max_send_lag_ms": raw["max_send_lag_ms"],
            "post": summary(raw["post_ms"]), "e2e": summary(raw["e2e_ms"]),
            "cpu_s": cpu_s,
        }
        r = results[str(rate)]
        say(f"    achieved {r['achieved_rate']:,.0f} req/s, status {r['status']}, "
            f"errors {r['errors']}, incomplete {r['incomplete']}, "
            f"POST p50 {_f(r['post']['p50_ms'])} p99 {_f(r['post']['p99_ms'])}, "
            f"e2e p50 {_f(r['e2e']['p50_ms'])} p99 {_f(r['e2e']['p99_ms'])} ms")
        await asyncio.sleep(10)  # let the services drain before the next rate


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy so far (/proc/stat, all CPUs)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


async def _timed(label: str, n: int, budget_s: float,
                 call: Callable[[int], Awaitable[httpx.Response]]) -> dict[str, Any]:
    ms: list[float] = []
    errors, began = 0, time.perf_counter()
    for k in range(n):
        if time.perf_counter() - began > budget_s:
            break
        t = time.perf_counter()
        r = await call(k)
        ms.append((time.perf_counter() - t) * 1000)
        errors += r.status_code >= 400
    out = {**summary(ms), "errors": errors}
    say(f"  {label}: n={out['n']} p50 {_f(out['p50_ms'])} p95 {_f(out['p95_ms'])} "
        f"p99 {_f(out['p99_ms'])} ms, errors {errors}")
    return out


async def reads(cfg: BenchConfig, svc: Services) -> dict[str, Any]:
    customers = sorted({i["customer_id"] for i in await open_invoices(cfg)})
    pick = random.Random(cfg.seed).sample(customers, min(300, len(customers)))
    col, cash, credit = svc.url("collections"), svc.url("cash-application"), svc.url("credit")
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=120.0, headers=svc.headers()) as c:
        for k in range(min(100, len(pick))):  # limits so checks run the whole decision
            await c.put(f"{credit}/customers/{pick[k]}/credit-limits/EUR",
                        json={"limit": "100000.00", "set_by": "bench", "reason": "bench"})
        await asyncio.sleep(2)  # the limits reach the credit projection
        # The report as the dashboard asks it: totals of every customer, the most overdue page.
        out["ageing_report"] = await _timed(
            "ageing report (all customers)", 30, 90,
            lambda k: c.get(f"{col}/ageing", params={"order": "overdue", "limit": "5"}))
        out["ageing_customer"] = await _timed(
            "ageing one customer", 300, 60,
            lambda k: c.get(f"{col}/ageing", params={"customer_id": pick[k % len(pick)]}))
        out["account_view"] = await _timed(
            "customer account view", 300, 60,
            lambda k: c.get(f"{col}/customers/{pick[k % len(pick)]}"))
        out["cash_open_items"] = await _timed(
            "cash open items", 300, 60,
            lambda k: c.get(f"{cash}/customers/{pick[k % len(pick)]}/open-items"))
        out["credit_check"] = await _timed(
            "credit check", 500, 60,
            lambda k: c.post(f"{credit}/credit-checks", headers={
                "Idempotency-Key": f"bench-{cfg.run_id}-cc-{k}"}, json={
                "customer_id": pick[k % 100 % len(pick)], "order_ref": f"SO-bench-{k}",
                "amount": {"amount": str(Decimal(1000) + k), "currency": "EUR"}}))
    return out
