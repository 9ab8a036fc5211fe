"""Report rows of issue 26's figures: the peer, the end-to-end ceiling and CPU per payment,
month-end, the morning's bank file and the dunning run (targets from the issue)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, str, str, str]


def _ok(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "MISS")


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:,.1f} s"


def peer_rows(r: dict[str, Any]) -> list[Row]:
    peer = r.get("peer")
    if not peer:
        return []
    ours = (r.get("replay") or {}).get("ageing", {}).get("events_per_s")
    ratio = ours / peer["events_per_s"] if ours and peer["events_per_s"] else None
    return [(f"peer: ageing on {peer['library']} (its PostgreSQL recorder and runner)",
             f"{peer['events_per_s']:,.0f} /s", "ours >= 5x", _ok(None if ratio is None
                                                                  else ratio >= 5),
             (f"ours {ratio:.1f}x; " if ratio else "")
             + f"{peer['events']:,} events in {peer['seconds']} s"
             + ("" if peer["complete"] else " (time-bounded)"))]


def e2e_rows(r: dict[str, Any]) -> list[Row]:
    runs = {int(k): v for k, v in (r.get("e2e") or {}).items() if k.isdigit()}
    if not runs:
        return []
    held = [rate for rate, v in runs.items() if v["e2e"]["p99_ms"] is not None
            and v["e2e"]["p99_ms"] < 250 and v["incomplete"] + v["not_visible"] == 0]
    ceiling = f"{max(held)} req/s" if held else f"below {min(runs)} req/s"
    cpu = {rate: _cpu_ms(v) for rate, v in sorted(runs.items())}
    judged = cpu[min(cpu)]  # the least loaded rate: above the ceiling work is left undone
    shown = ", ".join(f"{c:.1f} ms @ {rate}" for rate, c in cpu.items() if c)
    return [("end-to-end ceiling (highest rate tried with p99 < 250 ms)", ceiling, "-", "-",
             f"rates tried: {', '.join(str(k) for k in sorted(runs))}"),
            ("CPU per payment, all processes", shown or "-", "4 ms",
             _ok(None if judged is None else judged <= 4),
             "machine CPU while each rate runs and drains, less the load generator's, per "
             "payment answered 201; judged at the lowest rate")]


def _cpu_ms(run: dict[str, Any]) -> float | None:
    answered = (run.get("status") or {}).get("201") or 0
    cpu_s = run.get("cpu_s")
    if cpu_s is None and run.get("cpu_ms_per_payment") is not None:  # runs before cpu_s
        cpu_s = run["cpu_ms_per_payment"] * run["sent"] / 1000
    return cpu_s * 1000 / answered if cpu_s is not None and answered else None


def month_end_rows(r: dict[str, Any]) -> list[Row]:
    out = []
    for name, figures in (r.get("month_end") or {}).items():
        label = name.replace("_", " ").replace("audit ", "audit of ")
        out.append((f"month-end: {label}", _s(figures["seconds"]), "reported", "-",
                    f"exit {figures['exit']}: {' | '.join(figures['said'])[:160]}"))
    return out


def bank_file_rows(r: dict[str, Any]) -> list[Row]:
    f = r.get("bank_file")
    if not f:
        return []
    whole = f["import_s"] + f["ageing_after_import_s"]
    size = f"{f['entries']:,} entries / {f['invoices']:,} open invoices, {f['file_mb']} MB"
    return [
        ("bank file: import, match, and seen in collections' ageing", _s(whole), "< 60 s",
         _ok(whole < 60), f"{size}; import {f['import_s']} s + ageing {f['ageing_after_import_s']} s"),
        ("  import parse+match rate vs raw XML parse", f"{f['import_entries_per_s']:,} /s",
         ">= 25% of raw", _ok(f["rate_vs_raw_parse"] >= 0.25),
         f"{f['rate_vs_raw_parse']:.1%} of {f['raw_parse_entries_per_s']:,} /s"),
        ("  memory (process with the four services)", f"+{f['rss_growth_in_import_mb']} MB",
         "bounded", "-", f"peak {f['peak_rss_mb']} MB; parse streams, writes every 2,000"),
    ]


def dunning_rows(r: dict[str, Any]) -> list[Row]:
    d = r.get("dunning")
    if not d:
        return []
    size = f"{d['customers']:,} customers / {d['invoices']:,} invoices"
    return [(f"dunning {label}", _s(d[f"{key}_s"]), "< 60 s", _ok(d[f"{key}_s"] < 60),
             f"{size}; {d[f'{key}_letters']:,} letters, +{d[f'{key}_rss_growth_mb']} MB")
            for key, label in (("dry_run", "dry run"), ("run", "run (letters recorded)"))]


def rows(r: dict[str, Any]) -> list[Row]:
    return [*peer_rows(r), *e2e_rows(r), *month_end_rows(r), *bank_file_rows(r),
            *dunning_rows(r)]
