"""A statement file's entries, each its own payment under its own idempotency key, decided
together in the file's transaction with a handful of set-based statements whatever the
file's size: every entry's key claimed at once; the open items of every customer the file
names or whose account it comes from read and locked at once; each entry matched in file
order against what the earlier ones took (domain.statement_run); then every event, read-model
change, learned account and answer written together."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from typing import Any

import asyncpg

from ledgerline_events.contract.business_time import instant_of_day
from ledgerline_events.contract.cash_application import Payer, PaymentMethod, PaymentReceived
from ledgerline_events.contract.refusals import StateConflict
from ledgerline_events.runtime import (
    EventStore,
    Origin,
    StreamAppend,
    answer_keys,
    claim_keys,
)
from ledgerline_events.runtime.keyring import Keyring

from ..adapters.open_items import OpenItems, PayerAccounts
from ..adapters.statements import StatementLine
from ..domain import payment as pay
from ..domain.auto_match import receive_and_apply
from ..domain.matching import MatchingSettings
from ..domain.statement_identity import entry_terms
from ..domain.statement_run import StatementRun
from ..projections.cash_ledger import apply_own_events
from .results import applied_result

CHUNK = 2_000  # payments per write: bounded statements and memory for files of any size


class StatementImport:
    def __init__(self, store: EventStore, keyring: Keyring, read_schema: str,
                 matching: MatchingSettings) -> None:
        self.store = store
        self.keyring = keyring
        self.read_schema = read_schema
        self.matching = matching

    async def entries(self, conn: asyncpg.Connection, lines: list[StatementLine],
                      origin: Origin) -> list[dict[str, Any]]:
        """Each entry's answer, in file order: recorded now, or a duplicate of an earlier
        import (its first answer). An entry imported before with other terms refuses all."""
        claims = await claim_keys(self.store, conn, {ln.identity: entry_terms(ln) for ln in lines})
        if claims.reused:
            reused = next(ln for ln in lines if ln.identity in claims.reused)
            raise await self._entry_conflict(conn, reused)
        new = [ln for ln in lines if ln.identity in claims.new]
        answers = await self._record(conn, new, origin)
        await answer_keys(self.store, conn, answers)
        return [
            {**answers[ln.identity], "duplicate": False, "location": ln.location}
            if ln.identity in answers else
            {**claims.answered[ln.identity], "duplicate": True, "location": ln.location}
            for ln in lines
        ]

    async def _record(self, conn: asyncpg.Connection, lines: list[StatementLine],
                      origin: Origin) -> dict[str, dict[str, Any]]:
        if not lines:
            return {}
        run = await self._run(conn, lines)
        ids = {ln.identity: statement_payment_id(ln) for ln in lines}
        keys = await self.keyring.keys_to_seal(conn, list(ids.values()))
        payments, answers = [], {}
        for line in lines:
            payment_id = ids[line.identity]
            at = instant_of_day(line.booking_date, origin.occurred_at)
            customer_id, identified_by = run.identify(line.remittance, line.payer_account)
            invoices = (run.open_invoices(customer_id, line.amount.currency, at)
                        if customer_id else [])
            applied = receive_and_apply(
                receipt(payment_id, line, PaymentMethod.BANK_TRANSFER, keys[payment_id]),
                customer_id, invoices, self.matching, at, lambda: f"AL-{uuid.uuid4().hex[:20]}")
            run.took(applied)
            if customer_id and identified_by != "payer_account":
                run.learn(line.payer_account, customer_id)
            payments.append(StreamAppend(payment_id, applied.events, customer_id,
                                      [instant for _, instant in applied.dated]))
            answers[line.identity] = applied_result(payment_id, line, customer_id,
                                                    identified_by, applied)
            if len(payments) == CHUNK:  # written as the file goes: memory stays bounded
                await self._write(conn, payments, origin)
                payments = []
            elif len(payments) % 200 == 0:
                await asyncio.sleep(0)  # the process's consumers keep their heartbeats
        await self._write(conn, payments, origin)
        await PayerAccounts(conn, self.store.schema).learn_all(run.learned)
        return answers

    async def _run(self, conn: asyncpg.Connection, lines: list[StatementLine]) -> StatementRun:
        known = await PayerAccounts(conn, self.store.schema).customers_of(
            [ln.payer_account for ln in lines])
        balances = await OpenItems(conn, self.read_schema).lock_for_statement(
            [ln.remittance for ln in lines], set(known.values()))
        return StatementRun(balances, known)

    async def _write(self, conn: asyncpg.Connection, payments: list[StreamAppend],
                     origin: Origin) -> None:
        if not payments:  # a file of exactly CHUNK entries ends with an empty chunk
            return
        async with self.store.unit_of_work(conn=conn, correlation_id=origin.correlation_id,
                                           actor=origin.actor) as uow:
            await apply_own_events(conn, self.read_schema, await uow.append_streams(payments))

    async def _entry_conflict(self, conn: asyncpg.Connection, line: StatementLine
                              ) -> StateConflict:
        """The same entry, imported before with other terms: name it and both versions."""
        payment_id = statement_payment_id(line)
        stream = (await self.store.load_streams(conn, [payment_id])).get(payment_id, [])
        first = stream[0].payload if stream else None
        before = (f"{format(first.amount.amount, 'f')} {first.amount.currency} value "
                  f"{first.received_on}" if isinstance(first, PaymentReceived) else "other terms")
        return StateConflict(
            "statement_entry_conflict",
            f"{line.location or 'an entry'}: entry {line.entry_ref} of statement "
            f"{line.statement_ref} was imported before as {before}; this file says "
            f"{entry_terms(line)}. Nothing from this file was imported.", "file")


def receipt(payment_id: str, line: StatementLine, method: PaymentMethod, key: bytes
            ) -> pay.ReceivePayment:
    """The payment a line records, its payer sealed with the payment's own key."""
    payer = Payer(name=line.payer_name[:200], account=line.payer_account[:64])
    return pay.ReceivePayment(
        payment_id, line.amount, line.value_date, method, payer.sealed(payment_id, key),
        line.remittance, line.statement_ref or None, line.entry_ref or None,
    )


def statement_payment_id(line: StatementLine) -> str:
    return "PAY-" + hashlib.sha256(line.identity.encode()).hexdigest()[:24]
