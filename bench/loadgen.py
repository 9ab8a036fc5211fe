"""Open-loop load: POST payments to cash-application at a fixed rate for a bounded time, and
for the tracked ones poll the collections ageing API until the allocation shows.

Run as its own process: `python -m bench.loadgen < PLAN.json` prints one JSON result line.
Latencies count from each request's scheduled instant (no coordinated omission).

HTTP/1.1 over kept-alive asyncio streams (`Http`), not httpx: on 2 shared cores httpx spent
about 5 ms of CPU per request and capped the offered load near 40 req/s, so it measured
itself rather than the services.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

POLL_S = 0.02
VISIBLE_TIMEOUT_S = 15.0
DRAIN_S = 15.0  # after the last send, what is still running after this is "incomplete"
MAX_IN_FLIGHT = 800  # beyond this the service is saturated: further sends are "shed"
CONNECTIONS = 400  # per service, as httpx's pool had
TIMEOUT_S = 10.0  # one POST, as httpx's timeout had


class Http:
    """A small keep-alive HTTP/1.1 client for one host: JSON in, (status, body bytes) out."""

    def __init__(self, base_url: str, headers: dict[str, str], limit: int) -> None:
        url = urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(limit)

    async def request(self, method: str, path: str, body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        payload = orjson.dumps(body) if body is not None else b""
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (f"{method} {path} HTTP/1.1\r\nhost: {self.host}\r\n{self.headers}{extra}"
                f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n\r\n")
        async with self.slots:
            if self.idle:
                try:
                    return await self._exchange(*self.idle.pop(), head.encode() + payload)
                except (OSError, asyncio.IncompleteReadError, IndexError):
                    pass  # the server closed the idle connection (keep-alive timeout): anew
            connection = await asyncio.open_connection(self.host, self.port)
            return await self._exchange(*connection, head.encode() + payload)

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        request: bytes) -> tuple[int, bytes]:
        try:
            writer.write(request)
            status, data, keep = await _response(reader)
        except BaseException:
            writer.close()
            raise
        if keep:
            self.idle.append((reader, writer))
        else:
            writer.close()
        return status, data

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status = int((await reader.readline()).split()[1])
    length, keep = 0, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    return status, await reader.readexactly(length), keep


async def _visible(client: Http, p: dict[str, Any], out: dict[str, Any]) -> bool:
    threshold = Decimal(p["visible_at_or_below"])
    deadline = time.perf_counter() + VISIBLE_TIMEOUT_S
    path = "/ageing?" + urlencode({"customer_id": p["customer_id"]})
    while time.perf_counter() < deadline:
        out["polls"] += 1  # the read load tracking adds to collections
        try:
            status, data = await client.request("GET", path)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            await asyncio.sleep(POLL_S)
            continue
        if status == 200:
            totals = orjson.loads(data)["customers"].get(p["customer_id"], {}).get(p["currency"])
            if totals is None or Decimal(totals["total"]) <= threshold:
                return True
        await asyncio.sleep(POLL_S)
    return False


async def _one(cash: Http, collections: Http, plan: dict[str, Any], p: dict[str, Any],
               scheduled: float, out: dict[str, Any]) -> None:
    body = {"amount": {"amount": p["amount"], "currency": p["currency"]},
            "received_on": plan["received_on"], "customer_id": p["customer_id"],
            "remittance": p["invoice_number"], "payer_name": f"Customer {p['customer_id']}"}
    try:
        status, _ = await asyncio.wait_for(
            cash.request("POST", "/payments", body, {"Idempotency-Key": p["key"]}), TIMEOUT_S)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        out["errors"].append(type(exc).__name__)
        return
    out["post_ms"].append((time.perf_counter() - scheduled) * 1000)
    out["status"][str(status)] = out["status"].get(str(status), 0) + 1
    if p["track"] and status == 201:
        if await _visible(collections, p, out):
            out["e2e_ms"].append((time.perf_counter() - scheduled) * 1000)
        else:
            out["not_visible"] += 1


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    rate, payments = plan["rate"], plan["payments"]
    out: dict[str, Any] = {"post_ms": [], "e2e_ms": [], "status": {}, "errors": [],
                           "not_visible": 0, "max_send_lag_ms": 0.0, "shed": 0, "polls": 0}
    token = os.environ.get("LEDGERLINE_AUTH_TOKEN")  # set by bench/services.py
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    cash = Http(plan["cash_url"], headers, CONNECTIONS)
    collections = Http(plan["collections_url"], headers, CONNECTIONS)
    try:
        began = time.perf_counter()
        tasks: list[asyncio.Task[None]] = []
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
            tasks.append(asyncio.create_task(_one(cash, collections, plan, p, scheduled, out)))
            if i % rate == 0:
                print(f"    t={i // rate:>3} s  sent {i:,}  in flight {len(tasks):,}",
                      file=sys.stderr, flush=True)
        sent_s = time.perf_counter() - began
        _, pending = await asyncio.wait(tasks, timeout=DRAIN_S)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        cash.close()
        collections.close()
    out["incomplete"] = len(pending)
    out["sent"] = len(payments)
    out["send_seconds"] = sent_s
    out["achieved_rate"] = len(payments) / sent_s if sent_s else 0.0
    out["error_kinds"] = {kind: out["errors"].count(kind) for kind in set(out["errors"])}
    out["errors"] = len(out["errors"])
    return out


def main() -> None:
    plan = orjson.loads(sys.stdin.buffer.read())
    result = asyncio.run(run(plan))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
