"""results.json and results.md: each figure beside its target from issues 10 and 26,
pass/fail, and its ratio to the limits, to the naive baseline and to the peer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from . import report_scale

Row = tuple[str, str, str, str, str]
REPLAY_SECONDS_FOR = 1_000_000


def _rate(v: float | None) -> str:
    return "not measured" if v is None else f"{v:,.0f} /s"


def _ms(v: float | None) -> str:
    return "not measured" if v is None else f"{v:,.1f} ms"


def _ok(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "MISS")


def _get(d: dict[str, Any], *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def rows(r: dict[str, Any]) -> list[Row]:
    consume, copy = _get(r, "limits", "consume", "events_per_s"), _get(r, "limits", "copy", "events_per_s")
    limit = min(consume, copy) if consume and copy else None
    out: list[Row] = [
        ("publish (fast producer)", _rate(_get(r, "publish", "events_per_s")), "-", "-", ""),
        ("limit: raw consume, orjson only", _rate(consume), "-", "-", ""),
        ("limit: raw COPY, same rows", _rate(copy), "-", "-", ""),
        ("reference: consume + the contract's validating decode",
         _rate(_get(r, "limits", "consume_decoded", "events_per_s")), "-", "-",
         "one process, no database"),
    ]
    for name, label in (("ageing", "collections ageing (Receivables)"),
                        ("open_items", "cash open items (CashLedger)")):
        rate = _get(r, "replay", name, "events_per_s")
        naive = _get(r, "naive", name, "events_per_s")
        vs_limit = rate / limit if rate and limit else None
        vs_naive = rate / naive if rate and naive else None
        ratios = (f"{vs_limit:.1%} of limit" if vs_limit else "?") + ", " + (
            f"{vs_naive:.1f}x naive" if vs_naive else "?")
        ok = None if vs_limit is None or vs_naive is None else vs_limit >= 0.5 and vs_naive >= 5
        workers = _get(r, "replay", name, "workers") or 1
        out.append((f"replay {label}", _rate(rate), ">= 50% of limit and >= 5x naive",
                    _ok(ok), f"{ratios}; {workers} worker process(es)"))
        out.append(_million(r, name, rate))
        mem = _get(r, "replay", name, "peak_rss_mb")
        out.append(("  peak memory (maxrss, largest process)",
                    "-" if mem is None else f"{mem:,.0f} MB", "-", "-", ""))
        out.append((f"naive {name}: 1 event per transaction", _rate(naive), "-", "-", ""))
    for rate in (200, 500):
        e2e = _get(r, "e2e", str(rate)) or {}
        p50, p99 = _get(e2e, "e2e", "p50_ms"), _get(e2e, "e2e", "p99_ms")
        target = "p99 < 250 ms" if rate == 500 else "-"
        lost = (e2e.get("incomplete", 0) + e2e.get("not_visible", 0)) if e2e else 0
        ok = None if rate != 500 or p99 is None else p99 < 250 and lost == 0
        extra = (f"achieved {e2e['achieved_rate']:,.0f} req/s, n={e2e['e2e']['n']}, "
                 f"POST p99 {_ms(_get(e2e, 'post', 'p99_ms'))}, unfinished {lost}"
                 ) if e2e else r.get("e2e_skipped", "")
        out.append((f"end-to-end payment -> ageing @ {rate} req/s",
                    f"p50 {_ms(p50)}, p99 {_ms(p99)}", target, _ok(ok), extra))
    for key, label, q, target in (
        ("ageing_report", "ageing report, all customers", "p95_ms", 100.0),
        ("ageing_customer", "ageing, one customer", "p95_ms", None),
        ("account_view", "customer account view", "p95_ms", None),
        ("cash_open_items", "cash open items, one customer", "p95_ms", None),
        ("credit_check", "credit check", "p99_ms", 50.0),
    ):
        m = _get(r, "reads", key) or {}
        v = m.get(q)
        shown = f"p50 {_ms(m.get('p50_ms'))}, {q[:3]} {_ms(v)}" if m else "not measured"
        out.append((label, shown, "-" if target is None else f"{q[:3]} < {target:.0f} ms",
                    _ok(None if target is None or v is None else v < target),
                    f"n={m['n']}" if m else ""))
    return out + report_scale.rows(r)


def _million(r: dict[str, Any], name: str, rate: float | None) -> Row:
    """Measured when the run replayed at least a million events, else extrapolated."""
    events, seconds = _get(r, "replay", name, "events"), _get(r, "replay", name, "seconds")
    if events and seconds and events >= REPLAY_SECONDS_FOR:
        return (f"  {events:,} events replayed in", f"{seconds:,.1f} s", "< 60 s (1,000,000)",
                _ok(seconds * REPLAY_SECONDS_FOR / events < 60), "measured")
    secs = REPLAY_SECONDS_FOR / rate if rate else None
    return ("  1,000,000 events at that rate", "-" if secs is None else f"{secs:,.0f} s",
            "< 60 s", _ok(None if secs is None else secs < 60), "extrapolated")


def markdown(r: dict[str, Any]) -> str:
    head = (f"Run `{r['run_id']}` at {r['started_at']}: {r['events']:,} events, "
            f"{r['customers']:,} customers, seed {r['seed']}, {r['cpus']} CPUs.\n\n")
    table = ["| figure | measured | target | result | ratios / notes |", "|---|---|---|---|---|"]
    table += ["| " + " | ".join(row) + " |" for row in rows(r)]
    notes = "".join(f"\n- {n}" for n in r.get("notes", []))
    return head + "\n".join(table) + "\n" + (f"\nNotes:{notes}\n" if notes else "")


def write(results: dict[str, Any], folder: Path) -> str:
    (folder / "results.json").write_bytes(
        orjson.dumps(results, option=orjson.OPT_INDENT_2, default=str))
    text = markdown(results)
    (folder / "results.md").write_text(text)
    return text
