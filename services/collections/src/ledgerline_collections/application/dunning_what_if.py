"""A dunning what-if over a past period (domain/dunning_what_if.py), read from the read model
only: the live letters of the period, each run day's open invoices, disputes and promises as
they stood that day. The run days are the live runs' days (every Monday when there were
none). Nothing is written: the read models stay as they were."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ledgerline_events.contract.collections import DunningLevel

from ..adapters.promise_facts import promised_until, promises_on
from ..domain.dunning import DunningPolicy, InvoiceDunningHistory, InvoiceDunningState
from ..domain.dunning_what_if import Letter, RunDay, letters_of, outcome_of, replay_ladder
from .context import Collections

LIVE_LETTERS = """
    SELECT r.customer_id, r.level, r.run_date, array_agg(ri.invoice_id ORDER BY ri.invoice_id)
           AS invoice_ids
    FROM reminder r JOIN reminded_invoice ri USING (reminder_id)
    WHERE r.run_date BETWEEN $1 AND $2 AND (r.voided_on IS NULL OR r.voided_on > $2)
    GROUP BY r.reminder_id, r.customer_id, r.level, r.run_date"""
# Where the live ladder stood when the period began: each invoice's letters before it.
LADDER_BEFORE = """
    SELECT ri.invoice_id, ri.level, r.run_date FROM reminded_invoice ri
    JOIN reminder r USING (reminder_id)
    WHERE r.run_date < $1 AND (r.voided_on IS NULL OR r.voided_on >= $1)
    ORDER BY r.run_date, r.reminder_id"""


async def what_if(app: Collections, first: date, last: date, policy: DunningPolicy
                  ) -> dict[str, Any]:
    async with app.read_model.connection() as conn:
        rows = await conn.fetch(LIVE_LETTERS, first, last)
        disputed = {r[0] for r in await conn.fetch(
            "SELECT invoice_id FROM dispute WHERE opened_on BETWEEN $1 AND $2", first, last)}
        before = InvoiceDunningHistory()
        for r in await conn.fetch(LADDER_BEFORE, first):
            before = before.seen(r["invoice_id"], DunningLevel(r["level"]), r["run_date"])
    live = [Letter(r["customer_id"], DunningLevel(r["level"]), tuple(r["invoice_ids"]))
            for r in rows]
    run_days = sorted({r["run_date"] for r in rows}) or _mondays(first, last)
    days = [await _run_day(app, day) for day in run_days]
    scenario = letters_of(replay_ladder(days, policy, before.last))
    was, would = outcome_of(live, disputed), outcome_of(scenario, disputed)
    return {"from": first.isoformat(), "to": last.isoformat(), "run_days": len(run_days),
            "live": was.as_dict(), "what_if": would.as_dict(),
            "difference": {"letters": would.letters - was.letters,
                           "customers_reached": would.customers_reached - was.customers_reached,
                           "disputed_invoices_dunned": (would.disputed_invoices_dunned
                                                        - was.disputed_invoices_dunned)}}


def _mondays(first: date, last: date) -> list[date]:
    monday = first + timedelta(days=-first.weekday() % 7)
    return [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]


async def _run_day(app: Collections, day: date) -> RunDay:
    facts = await app.read_model.dunning_facts(datetime.combine(day, time.max, tzinfo=UTC), None)
    customers = sorted({f.item.customer_id for f in facts})
    async with app.read_model.connection() as conn:
        promised = promised_until(await promises_on(conn, day, customers))
    return RunDay(day, tuple(InvoiceDunningState(
        invoice_id=f.item.invoice_id, invoice_number=f.item.invoice_number,
        customer_id=f.item.customer_id, currency=f.item.currency, due_date=f.item.due_date,
        open_amount=f.item.open_amount, disputed=f.disputed,
        promised_until=promised.get(f.item.invoice_id)) for f in facts))
