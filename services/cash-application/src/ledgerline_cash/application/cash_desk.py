"""Command handlers: open a unit of work, load, decide with the domain, append, and fold our
own new events into the read model in the same transaction (see README: invoice-side lock).

Every command happens at its Origin's business instant (the API's business_instant: the
`occurred_at` given, never after now, else now; a payment without one is dated its
`received_on`); a statement line, at its booking date."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.contract import Envelope, Event
from ledgerline_events.contract.cash_application import (
    Payer,
    PaymentAllocated,
    PaymentMethod,
)
from ledgerline_events.contract.refusals import InvalidRequest, NotFound
from ledgerline_events.runtime import (
    EventStore,
    Origin,
    UnitOfWork,
    retried,
    run_command,
)
from ledgerline_events.runtime.keyring import Keyring

from ..adapters.open_items import OpenItems, PayerAccounts, Sources
from ..adapters.statements import CsvProfile, StatementFormat, StatementLine, read_statement
from ..domain import payment as pay
from ..domain.auto_match import receive_and_apply
from ..domain.matching import MatchingSettings
from ..domain.statement_identity import file_fingerprint
from ..projections.cash_ledger import apply_own_events
from .commands import (
    AllocatePayment,
    RecordPayment,
    RefundCredit,
    RefundCustomer,
    ReverseAllocation,
    ReversePayment,
)
from .results import applied_result
from .statement_answers import imported, same_file
from .statement_import import StatementImport, receipt

Clock = Callable[[], datetime]
Dated = Sequence[tuple[Event, datetime]]


class CashDesk:
    def __init__(self, store: EventStore, *, read_schema: str, matching: MatchingSettings
                 ) -> None:
        self.store = store
        self.read_schema = read_schema
        self.matching = matching
        self.keyring = Keyring(store.schema)  # a key per payment: who paid travels sealed
        self.statements = StatementImport(store, self.keyring, read_schema, matching)

    async def record_payment(self, cmd: RecordPayment, origin: Origin) -> dict[str, Any]:
        """A payment from the API, matched at once."""
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            payment_id = f"PAY-{uuid.uuid4().hex[:20]}"
            line = StatementLine("", "", cmd.received_on, cmd.received_on, cmd.amount,
                                 cmd.payer_name, cmd.payer_account, cmd.remittance)
            return await self._receive(uow, payment_id, line, cmd, cmd.customer_id, at)
        return await run_command(self.store, origin, body)

    async def import_statement(
        self, fmt: StatementFormat, raw: bytes, origin: Origin,
        csv_profile: CsvProfile | None = None,
    ) -> dict[str, Any]:
        """Every credit entry of the file, each recorded once, in one transaction. The
        request's Idempotency-Key returns the first answer again; the same file again, under
        any key, is answered as such (statement_answers.same_file)."""
        lines = read_statement(fmt, raw, csv_profile)
        file = file_fingerprint(raw)  # MalformedStatement above: nothing written
        return await retried(lambda: self._import(lines, file, origin))

    async def allocate(self, cmd: AllocatePayment, origin: Origin) -> dict[str, Any]:
        """A person allocates (part of) a payment, or a credit on account, to an invoice."""
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            history, state = await self._load(uow, cmd.payment_id)
            locked = await OpenItems(uow.conn, self.read_schema).lock_invoice(cmd.invoice_id)
            if locked is None:
                raise InvalidRequest("unknown_invoice", f"no invoice {cmd.invoice_id}",
                                     "invoice_id")
            invoice, customer_id = locked.invoice, locked.customer_id
            allocation_id = f"AL-{uuid.uuid4().hex[:20]}"
            events = pay.allocate(state, pay.Allocate(
                allocation_id, invoice.invoice_id, customer_id, invoice.open_amount.currency,
                locked.to_clear.clearable_at(at), cmd.amount, discount=cmd.discount,
                explanation=cmd.explanation or "allocated by hand",
                invoice_issued_at=locked.to_clear.issued_at,
            ), at)
            await self._commit(uow, history, [(e, at) for e in events],
                               state.customer_id or customer_id)
            await PayerAccounts(uow.conn, self.store.schema).learn(
                await self._payer_account(uow.conn, state), customer_id)
            return uow.set_result({"payment_id": cmd.payment_id, "allocation_id": allocation_id})
        return await run_command(self.store, origin, body)

    async def unallocate(self, cmd: ReverseAllocation, origin: Origin) -> dict[str, Any]:
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            history, state = await self._load(uow, cmd.payment_id)
            if not any(isinstance(e.payload, PaymentAllocated)
                       and e.payload.allocation_id == cmd.allocation_id for e in history):
                raise NotFound("unknown_allocation", f"no allocation {cmd.allocation_id}")
            events = pay.unallocate(state, cmd.allocation_id, cmd.reason, at)
            await self._commit(uow, history, [(e, at) for e in events], state.customer_id)
            return uow.set_result({"payment_id": cmd.payment_id,
                                   "reversed_allocation_id": cmd.allocation_id})
        return await run_command(self.store, origin, body)

    async def reverse(self, cmd: ReversePayment, origin: Origin) -> dict[str, Any]:
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            history, state = await self._load(uow, cmd.payment_id)
            events = pay.reverse_payment(state, cmd.reason, at)
            await self._commit(uow, history, [(e, pay.instant_of(state, e, at)) for e in events],
                               state.customer_id)
            return uow.set_result({"payment_id": cmd.payment_id, "reversed": True,
                                   "allocations_reversed": len(events) - 1})
        return await run_command(self.store, origin, body)

    async def refund(self, cmd: RefundCredit, origin: Origin) -> dict[str, Any]:
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            history, state = await self._load(uow, cmd.payment_id)
            refund_id = f"RF-{uuid.uuid4().hex[:20]}"
            events = pay.refund(state, refund_id, cmd.amount, cmd.reason, at)
            await self._commit(uow, history, [(e, at) for e in events], state.customer_id)
            return uow.set_result({"payment_id": cmd.payment_id, "refund_id": refund_id})
        return await run_command(self.store, origin, body)

    async def refund_customer(self, cmd: RefundCustomer, origin: Origin) -> dict[str, Any]:
        """Refund the customer's credit on account, whatever payments or credit notes it came
        from: drawn from the oldest first, one RefundIssued per source."""
        at = origin.occurred_at

        async def body(uow: UnitOfWork) -> dict[str, Any]:
            sources = await Sources(uow.conn, self.read_schema).with_credit(
                cmd.customer_id, cmd.amount.currency)
            streams = await self.store.load_streams(uow.conn, sources)
            states = {s: pay.replay(streams.get(s, [])) for s in sources}
            drawn = pay.draw_credit(states, cmd.amount, at)  # raises if not enough
            refunds = []
            for source, amount in drawn:
                state, history = states[source], streams[source]
                assert state is not None
                refund_id = f"RF-{uuid.uuid4().hex[:20]}"
                events = pay.refund(state, refund_id, amount, cmd.reason, at)
                await self._commit(uow, history, [(e, at) for e in events], state.customer_id)
                refunds.append({"payment_id": source, "refund_id": refund_id,
                                "amount": amount.model_dump(mode="json")})
            return uow.set_result({"customer_id": cmd.customer_id, "refunds": refunds})
        return await run_command(self.store, origin, body)

    async def _import(self, lines: list[StatementLine], file: str, origin: Origin
                      ) -> dict[str, Any]:
        store = self.store
        async with store.pool.acquire() as conn, conn.transaction(), store.unit_of_work(
            origin.idempotency_key, fingerprint=f"statement-file:{file}", conn=conn,
            correlation_id=origin.correlation_id,
        ) as request:
            if request.previous_result is not None:  # the same Idempotency-Key again
                return request.previous_result
            async with store.unit_of_work(f"statement-file:{file}", fingerprint=file,
                                          conn=conn) as seen:
                if seen.previous_result is not None:
                    return request.set_result(same_file(seen.previous_result))
                entries = await self.statements.entries(conn, lines, origin)
                return request.set_result(seen.set_result(imported(entries, file)))

    async def _receive(
        self, uow: UnitOfWork, payment_id: str, line: StatementLine,
        cmd: RecordPayment | None, customer_id: str | None, at: datetime,
    ) -> dict[str, Any]:
        items = OpenItems(uow.conn, self.read_schema)
        accounts = PayerAccounts(uow.conn, self.store.schema)
        customer_id, identified_by = await _identify(items, accounts, line, customer_id)
        invoices = (await items.lock_customer(customer_id, line.amount.currency, at)
                    if customer_id else [])
        receive = receipt(payment_id, line, cmd.method if cmd else PaymentMethod.BANK_TRANSFER,
                          await self.keyring.key_to_seal(uow.conn, payment_id))
        applied = receive_and_apply(receive, customer_id, invoices, self.matching, at,
                                    lambda: f"AL-{uuid.uuid4().hex[:20]}")
        await self._commit(uow, [], applied.dated, customer_id)
        if customer_id and identified_by != "payer_account":
            await accounts.learn(line.payer_account, customer_id)
        return uow.set_result(applied_result(payment_id, line, customer_id, identified_by,
                                             applied))

    async def _payer_account(self, conn: asyncpg.Connection, state: pay.Payment) -> str:
        """The account the payment came from, opened with its key ('' once erased)."""
        if state.payer_account_in_plain:
            return state.payer_account_in_plain
        payer = Payer.opened(state.payer, await self.keyring.key(conn, state.payment_id))
        return payer.account if payer else ""

    async def _load(
        self, uow: UnitOfWork, payment_id: str
    ) -> tuple[list[Envelope], pay.Payment]:
        history = await uow.load(payment_id)
        state = pay.replay(history)
        if state is None:
            raise NotFound("unknown_payment", f"no payment {payment_id}")
        return history, state

    async def _commit(
        self, uow: UnitOfWork, history: list[Envelope], dated: Dated, customer_id: str | None,
    ) -> None:
        events = [e for e, _ in dated]
        aggregate_id = history[0].aggregate_id if history else _payment_id(events)
        appended = await uow.append(aggregate_id, len(history), events, customer_id=customer_id,
                                    occurred_at=[at for _, at in dated])
        await apply_own_events(uow.conn, self.read_schema, appended)


async def _identify(
    items: OpenItems, accounts: PayerAccounts, line: StatementLine, given: str | None
) -> tuple[str | None, str]:
    """Who paid: as told, else the one customer whose invoice numbers the remittance names,
    else the customer known for the payer's bank account."""
    if given:
        return given, "given"
    named = await items.customers_named_in(line.remittance)
    if len(named) == 1:
        return next(iter(named)), "remittance_reference"
    by_account = await accounts.customer_of(line.payer_account)
    if by_account:
        return by_account, "payer_account"
    return None, "unidentified"


def _payment_id(events: list[Event]) -> str:
    payment_id = getattr(events[0], "payment_id", None)
    assert isinstance(payment_id, str)
    return payment_id
