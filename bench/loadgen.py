"""Open-loop load: POST payments to cash-application at a fixed rate for a bounded time, and
for the tracked ones poll the collections ageing API until the allocation shows.

Run as its own process: `python -m bench.loadgen < PLAN.json` prints one JSON result line.
Latencies count from each request's scheduled instant (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from decimal import Decimal
from typing import Any

import httpx
import orjson

POLL_S = 0.02
VISIBLE_TIMEOUT_S = 15.0
DRAIN_S = 15.0  # after the last send, what is still running after this is "incomplete"
MAX_IN_FLIGHT = 800  # beyond this the service is saturated: further sends are "shed"


async def _visible(client: httpx.AsyncClient, url: str, p: dict[str, Any]) -> bool:
    threshold = Decimal(p["visible_at_or_below"])
    deadline = time.perf_counter() + VISIBLE_TIMEOUT_S
    while time.perf_counter() < deadline:
        try:
            r = await client.get(url + "/ageing", params={"customer_id": p["customer_id"]})
        except httpx.HTTPError:
            await asyncio.sleep(POLL_S)
            continue
        if r.status_code == 200:
            totals = r.json()["customers"].get(p["customer_id"], {}).get(p["currency"])
            if totals is None or Decimal(totals["total"]) <= threshold:
                return True
        await asyncio.sleep(POLL_S)
    return False


async def _one(client: httpx.AsyncClient, plan: dict[str, Any], p: dict[str, Any],
               scheduled: float, out: dict[str, Any]) -> None:
    body = {"amount": {"amount": p["amount"], "currency": p["currency"]},
            "received_on": plan["received_on"], "customer_id": p["customer_id"],
            "remittance": p["invoice_number"], "payer_name": f"Customer {p['customer_id']}"}
    try:
        r = await client.post(plan["cash_url"] + "/payments", json=body,
                              headers={"Idempotency-Key": p["key"]})
    except httpx.HTTPError as exc:
        out["errors"].append(type(exc).__name__)
        return
    out["post_ms"].append((time.perf_counter() - scheduled) * 1000)
    out["status"][str(r.status_code)] = out["status"].get(str(r.status_code), 0) + 1
    if p["track"] and r.status_code == 201:
        if await _visible(client, plan["collections_url"], p):
            out["e2e_ms"].append((time.perf_counter() - scheduled) * 1000)
        else:
            out["not_visible"] += 1


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    rate, payments = plan["rate"], plan["payments"]
    out: dict[str, Any] = {"post_ms": [], "e2e_ms": [], "status": {}, "errors": [],
                           "not_visible": 0, "max_send_lag_ms": 0.0, "shed": 0}
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    token = os.environ.get("LEDGERLINE_AUTH_TOKEN")  # set by bench/services.py
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with httpx.AsyncClient(limits=limits, timeout=10.0, headers=headers) as client:
        began = time.perf_counter()
        tasks = []
        for i, p in enumerate(payments):
            scheduled = began + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            out["max_send_lag_ms"] = max(out["max_send_lag_ms"],
                                         (time.perf_counter() - scheduled) * 1000)
            tasks = [task for task in tasks if not task.done()]
            if len(tasks) >= MAX_IN_FLIGHT:
                out["shed"] += 1
                continue
            tasks.append(asyncio.create_task(_one(client, plan, p, scheduled, out)))
            if i % rate == 0:
                print(f"    t={i // rate:>3} s  sent {i:,}  in flight {len(tasks):,}",
                      file=sys.stderr, flush=True)
        sent_s = time.perf_counter() - began
        _, pending = await asyncio.wait(tasks, timeout=DRAIN_S)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    out["incomplete"] = len(pending)
    out["sent"] = len(payments)
    out["send_seconds"] = sent_s
    out["achieved_rate"] = len(payments) / sent_s if sent_s else 0.0
    out["errors"] = len(out["errors"])
    return out


def main() -> None:
    plan = orjson.loads(sys.stdin.buffer.read())
    result = asyncio.run(run(plan))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
