"""`ledgerline what-if`: another dunning ladder over a past period, against what the live one did
(collections' GET /dunning-what-if; read-only). Prints the two outcomes side by side."""

from __future__ import annotations

import argparse

import httpx

from ledgerline_events.runtime.auth import token_from_environment

LEVELS = ("friendly_reminder", "reminder", "final_notice", "agency_handover")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    w = sub.add_parser("what-if", help="another dunning ladder over a past period, read-only")
    w.add_argument("--from", dest="since", required=True, help="first day (YYYY-MM-DD)")
    w.add_argument("--to", required=True, help="last day (YYYY-MM-DD)")
    w.add_argument("--days-after-due", required=True,
                   help="waiting days per level, in order: e.g. 10,30,45,60")
    w.add_argument("--min-days-after-previous", type=int, default=7)
    w.add_argument("--grace-days", type=int, default=0)
    w.add_argument("--minimum", action="append", default=[], help="CUR:amount, e.g. EUR:100")
    w.add_argument("--collections", default="http://127.0.0.1:8104")


async def run(args: argparse.Namespace) -> int:
    params = [("from", args.since), ("to", args.to),
              ("min_days_after_previous", str(args.min_days_after_previous)),
              ("grace_days", str(args.grace_days)),
              *[("days_after_due", d.strip()) for d in args.days_after_due.split(",")],
              *[("minimum", m) for m in args.minimum]]
    token = token_from_environment("ledgerline-what-if", ["collector"])
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=args.collections, headers=headers, timeout=300) as http:
        answer = await http.get("/dunning-what-if", params=params)
    if answer.status_code != 200:
        print(f"refused ({answer.status_code}): {answer.text}")
        return 2
    print(report(answer.json()))
    return 0


def report(body: dict[str, object]) -> str:
    live, what_if = body["live"], body["what_if"]
    assert isinstance(live, dict) and isinstance(what_if, dict)
    rows = [("letters", live["letters"], what_if["letters"]),
            *[(f"  {level.replace('_', ' ')}", live["by_level"].get(level, 0),
               what_if["by_level"].get(level, 0)) for level in LEVELS],
            ("customers reached", live["customers_reached"], what_if["customers_reached"]),
            ("disputed invoices dunned", live["disputed_invoices_dunned"],
             what_if["disputed_invoices_dunned"])]
    lines = [f"dunning what-if {body['from']}..{body['to']} ({body['run_days']} run days)",
             f"{'':28}{'live':>8}{'what-if':>10}{'diff':>8}"]
    lines += [f"{name:28}{was:>8}{would:>10}{would - was:>+8}" for name, was, would in rows]
    return "\n".join(lines)
