"""A dunning run: for every customer and currency, plan the run date's letter, render it,
send it (or, in a dry run, only show it).

Everything is taken as it stood on the run date: open amounts at the end of that day,
disputes open that day, promises open that day (derived from the payments, see
promise_facts) and the letters dated up to that day less those voided by then. So a run for
a past date sends the same letters whatever happened later, and loading a history after the
fact then running the past gives what running on those dates would have given.

One `dunning:<customer>:<currency>` aggregate holds the letters (ReminderSent) and their
voids (ReminderVoided). Each letter is appended under the idempotency key
`dunning:<customer>:<currency>:<run date>` (`:v<n>` once n letters of the account are
void): running twice the same day sends nothing new, and a void lets a new run go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from itertools import groupby
from typing import Any

from ledgerline_events.contract import Envelope, Money
from ledgerline_events.contract.base import Actor
from ledgerline_events.contract.collections import ReminderSent, ReminderVoided
from ledgerline_events.contract.deliveries import DocumentKind
from ledgerline_events.contract.sales import Language
from ledgerline_events.runtime import (
    Origin,
    StreamAppend,
    UnitOfWork,
    answer_keys,
    claim_keys,
    retried,
    run_command,
)

from ..adapters.late_interest import earned_by, has_reference_rates
from ..adapters.letter_queue import LetterQueue
from ..adapters.promise_facts import promised_until, promises_on
from ..adapters.read_model import CustomerProfile, DunningFacts
from ..domain.agency_handover import handed_over
from ..domain.dunning import (
    DunningLetterPlan,
    InvoiceDunningState,
    history_as_of,
    plan_customer_letter,
    reminder_sent,
)
from ..domain.letters import LetterInterest, letter_language, render_letter
from .context import Collections, new_id

CUSTOMERS_PER_BATCH = 1_000


@dataclass(frozen=True)
class DunningRun:
    """Which day the run is for, for which customers (None: all), whether to send, and who
    ran it (None: the daily schedule)."""

    run_date: date
    customer_ids: tuple[str, ...] | None = None
    dry_run: bool = False
    actor: Actor | None = None


@dataclass(frozen=True)
class Account:
    profile: CustomerProfile
    currency: str
    facts: list[DunningFacts]
    promised: dict[str, date]
    with_interest: bool = False  # reference rates recorded: letters say the interest earned


async def run_dunning(app: Collections, run: DunningRun, occurred_at: datetime) -> list[dict[str, Any]]:
    """Send (or, dry, show) every letter due on the run date; nothing again on a re-run.
    The customers go in slices of CUSTOMERS_PER_BATCH, each read at once and, for real, sent
    in one transaction: memory stays flat and the process's consumers run in between."""
    end_of_day = datetime.combine(run.run_date, time.max, tzinfo=UTC)
    customers = (list(run.customer_ids) if run.customer_ids is not None
                 else await app.read_model.customers_invoiced_by(end_of_day))
    async with app.read_model.connection() as conn:
        rates = await has_reference_rates(conn)
    sent = []
    for start in range(0, len(customers), CUSTOMERS_PER_BATCH):
        accounts = await _accounts(app, customers[start:start + CUSTOMERS_PER_BATCH], run,
                                   end_of_day, rates)
        sent += await (_show(app, accounts, run) if run.dry_run
                       else retried(partial(_send, app, accounts, run, occurred_at)))
        await asyncio.sleep(0)
    return sent


async def _accounts(app: Collections, customers: list[str], run: DunningRun,
                    end_of_day: datetime, rates: bool) -> list[Account]:
    """The slice's accounts (customer and currency) with something open on the run date."""
    facts = sorted(await app.read_model.dunning_facts(end_of_day, customers), key=_account)
    owing = sorted({f.item.customer_id for f in facts})
    profiles = await app.read_model.customers(owing)
    async with app.read_model.connection() as conn:
        promised = promised_until(await promises_on(conn, run.run_date, owing))
    return [Account(profiles.get(customer) or CustomerProfile(customer, customer, Language.EN),
                    currency, list(group), promised, rates)
            for (customer, currency), group in groupby(facts, key=_account)]


async def dunning_answer(app: Collections, run: DunningRun, occurred_at: datetime
                         ) -> dict[str, Any]:
    sent = await run_dunning(app, run, occurred_at)
    return {"run_date": run.run_date.isoformat(), "dry_run": run.dry_run,
            "customer_ids": None if run.customer_ids is None else list(run.customer_ids),
            "letters_sent": 0 if run.dry_run else len(sent),
            "reminders": [] if run.dry_run else sent, "letters": sent if run.dry_run else []}


async def run_dunning_once(app: Collections, w: Origin, run: DunningRun) -> dict[str, Any]:
    """The run under the caller's idempotency key: a repeat gets the first answer. The key is
    held while the run goes on, so a concurrent twin waits and then gets that answer."""
    async def body(_: UnitOfWork) -> dict[str, Any]:
        return await dunning_answer(app, run, w.occurred_at)
    return await run_command(app.store, w, body)


def _account(f: DunningFacts) -> tuple[str, str]:
    return (f.item.customer_id, f.item.currency)


async def _show(app: Collections, accounts: list[Account], run: DunningRun
                ) -> list[dict[str, Any]]:
    """A dry run's letters: drafted, nothing recorded."""
    async with app.store.pool.acquire() as conn:
        histories = await app.store.load_streams(conn, [_aggregate(a) for a in accounts])
    shown = []
    for account in accounts:
        plan = _plan(histories.get(_aggregate(account), []), account, run.run_date, app)
        if plan is not None:
            shown.append(_answer(plan, None, await _letter(plan, account, app), dry_run=True))
    return shown


async def _send(app: Collections, accounts: list[Account], run: DunningRun,
                occurred_at: datetime) -> list[dict[str, Any]]:
    """The slice's letters, each under its account's key for the day, in one transaction."""
    async with app.store.pool.acquire() as conn:
        before = await app.store.load_streams(conn, [_aggregate(a) for a in accounts])
    # An account with nothing due claims no key: a later run the same day may still send.
    due: dict[str, tuple[Account, int, DunningLetterPlan]] = {}
    for account in accounts:
        history = before.get(_aggregate(account), [])
        if (planned := _plan(history, account, run.run_date, app)) is not None:
            due[_key(account, history, run.run_date)] = (account, len(history), planned)
    if not due:
        return []
    async with app.store.unit_of_work(actor=run.actor) as uow:
        claims = await claim_keys(app.store, uow.conn, {key: key for key in due})
        fresh = {key: due[key] for key in sorted(claims.new)}  # the others: sent already
        histories = await app.store.load_streams(
            uow.conn, [_aggregate(a) for a, _, _ in fresh.values()])
        answers, letters, post = {}, [], []
        for key, (account, length, planned) in fresh.items():
            history = histories.get(_aggregate(account), [])
            # A history is only ever appended to: the same length is the same history.
            plan = planned if len(history) == length else _plan(history, account,
                                                                run.run_date, app)
            if plan is None:
                answers[key] = {"reminder_id": None}
                continue
            language, letter = await _letter(plan, account, app)
            event = reminder_sent(plan, new_id("rem"), language, letter)
            letters.append(StreamAppend(_aggregate(account), [event], plan.customer_id,
                                        [occurred_at], len(history)))
            post.append((event.reminder_id, plan.customer_id, _aggregate(account)))
            answers[key] = _answer(plan, event.reminder_id, (language, letter))
        await uow.append_streams(letters)
        if app.letter_post:
            await LetterQueue(uow.conn, app.store.schema).enqueue_all(
                post, DocumentKind.DUNNING_LETTER, occurred_at)
        await answer_keys(app.store, uow.conn, answers)
    return [a for a in answers.values() if a["reminder_id"] is not None]


def _aggregate(account: Account) -> str:
    return f"dunning:{account.profile.customer_id}:{account.currency}"


def _key(account: Account, history: Sequence[Envelope], run_date: date) -> str:
    voids = sum(isinstance(e.payload, ReminderVoided) for e in history)
    return f"{_aggregate(account)}:{run_date.isoformat()}" + (f":v{voids}" if voids else "")


async def _letter(plan: DunningLetterPlan, account: Account, app: Collections
                  ) -> tuple[Language, str]:
    language = letter_language(account.profile.language)
    interest = await _interest(plan, app) if account.with_interest else None
    return language, render_letter(plan, account.profile.name, language, app.payment, interest)


async def _interest(plan: DunningLetterPlan, app: Collections) -> LetterInterest:
    """What the letter's invoices earned in late-payment interest by its date."""
    earned = await earned_by(app.read_model, [line.invoice.invoice_id for line in plan.lines],
                             plan.run_date)
    return LetterInterest(sum((e.accrual.interest for e in earned), Decimal(0)),
                          sum((e.accrual.indemnity for e in earned), Decimal(0)))


def _answer(plan: DunningLetterPlan, reminder_id: str | None, letter: tuple[Language, str],
            dry_run: bool = False) -> dict[str, Any]:
    answer = {
        "reminder_id": reminder_id, "customer_id": plan.customer_id, "currency": plan.currency,
        "level": plan.level.value, "run_date": plan.run_date.isoformat(),
        "total_overdue": Money.of(plan.total, plan.currency).model_dump(mode="json"),
        "invoices": [line.invoice.invoice_id for line in plan.lines],
    }
    if dry_run:
        answer |= {"language": letter[0].value, "letter": letter[1]}
    return answer


def _plan(
    history: Sequence[Envelope], account: Account, run_date: date, app: Collections
) -> DunningLetterPlan | None:
    if handed_over([e.payload for e in history]):
        return None  # with a collection agency: no more letters from us
    letters = [e.payload for e in history if isinstance(e.payload, ReminderSent)]
    voids = [e.payload for e in history if isinstance(e.payload, ReminderVoided)]
    dunned = history_as_of(letters, voids, run_date)
    states = []
    for f in account.facts:
        level, on = dunned.last.get(f.item.invoice_id, (None, None))
        states.append(InvoiceDunningState(
            invoice_id=f.item.invoice_id, invoice_number=f.item.invoice_number,
            customer_id=f.item.customer_id, currency=f.item.currency, due_date=f.item.due_date,
            open_amount=f.item.open_amount, disputed=f.disputed,
            promised_until=account.promised.get(f.item.invoice_id), last_level=level,
            last_letter_on=on,
        ))
    return plan_customer_letter(states, run_date, app.policy)
