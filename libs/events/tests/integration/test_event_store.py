import asyncio

import asyncpg
import pytest

from ledgerline_events.contract.values import ValueRefused
from ledgerline_events.runtime import (
    ConcurrencyConflict,
    EventStore,
    IdempotencyKeyReused,
    StreamAppend,
    answer_keys,
    claim_keys,
)

from ..sample import T0, cancellation, invoice

pytestmark = pytest.mark.integration




async def test_two_concurrent_commands_on_one_invoice_exactly_one_wins(store: EventStore) -> None:
    async def command() -> str:
        try:
            async with store.unit_of_work() as uow:
                history = await uow.load("inv-1")
                await asyncio.sleep(0.05)  # both decide on the same history
                await uow.append("inv-1", len(history), [cancellation("inv-1")],
                                 customer_id="C-1", occurred_at=T0)
            return "won"
        except ConcurrencyConflict:
            return "conflict"

    outcomes = await asyncio.gather(command(), command())
    assert sorted(outcomes) == ["conflict", "won"]
    assert len(await store.load("inv-1")) == 1


async def test_a_repeated_idempotency_key_returns_the_first_result_and_appends_nothing(
    store: EventStore,
) -> None:
    async def command() -> dict[str, object]:
        async with store.unit_of_work("key-1", fingerprint="cancel inv-2") as uow:
            if uow.previous_result is not None:
                return uow.previous_result
            history = await uow.load("inv-2")
            await uow.append("inv-2", len(history), [cancellation("inv-2")],
                             customer_id="C-1", occurred_at=T0)
            return uow.set_result({"cancelled": "inv-2", "version": len(history) + 1})

    first, second = await asyncio.gather(command(), command())
    assert first == second == {"cancelled": "inv-2", "version": 1}
    assert len(await store.load("inv-2")) == 1


async def test_an_idempotency_key_reused_for_another_request_is_refused(store: EventStore) -> None:
    async with store.unit_of_work("key-2", fingerprint="a") as uow:
        uow.set_result({})
    with pytest.raises(IdempotencyKeyReused):
        async with store.unit_of_work("key-2", fingerprint="b"):
            pass


async def test_stored_events_load_in_version_order_with_their_envelopes(store: EventStore) -> None:
    async with store.unit_of_work(correlation_id="corr-9") as uow:
        await uow.write([invoice("inv-3", "50.00")])
        await uow.append("inv-3", 1, [cancellation("inv-3")], customer_id="C-1", occurred_at=T0)
    loaded = await store.load("inv-3")
    assert [e.aggregate_version for e in loaded] == [1, 2]
    assert loaded[1].correlation_id == "corr-9"


async def test_several_streams_load_in_one_read_each_in_version_order(
    store: EventStore, pg_pool: asyncpg.Pool,
) -> None:
    for invoice_id, count in (("inv-a", 2), ("inv-b", 1)):
        async with store.unit_of_work() as uow:
            await uow.append(invoice_id, 0, [cancellation(invoice_id)] * count,
                             customer_id="C-1", occurred_at=T0)
    async with pg_pool.acquire() as conn:
        streams = await store.load_streams(conn, ["inv-a", "inv-b", "inv-none"])
    assert {k: [e.aggregate_version for e in v] for k, v in streams.items()} == {
        "inv-a": [1, 2], "inv-b": [1]}
    assert streams["inv-a"] == await store.load("inv-a")


async def test_keys_claimed_together_tell_new_answered_and_reused_apart(store: EventStore) -> None:
    async with store.unit_of_work("entry-1", fingerprint="10.00 EUR") as uow:
        uow.set_result({"payment_id": "P-1"})
    async with store.unit_of_work() as uow:
        claims = await claim_keys(store, uow.conn, {"entry-1": "10.00 EUR", "entry-2": "5.00 EUR"})
        await answer_keys(store, uow.conn, {"entry-2": {"payment_id": "P-2"}})
    assert (claims.new, claims.answered, claims.reused) == (
        {"entry-2"}, {"entry-1": {"payment_id": "P-1"}}, [])
    async with store.unit_of_work() as uow:
        again = await claim_keys(store, uow.conn, {"entry-1": "99.00 EUR", "entry-2": "5.00 EUR"})
    assert (again.new, again.answered, again.reused) == (
        set(), {"entry-2": {"payment_id": "P-2"}}, ["entry-1"])


async def test_many_streams_appended_at_once_conflict_as_one_when_any_moved(
    store: EventStore,
) -> None:
    async with store.unit_of_work() as uow:
        await uow.write([invoice("inv-7", "70.00")])
        await uow.append_streams([
            StreamAppend("inv-7", [cancellation("inv-7")], "C-1", [T0], expected_version=1),
            StreamAppend("inv-8", [invoice("inv-8", "8.00").payload], "C-1", [T0]),
        ])
    assert [len(await store.load(a)) for a in ("inv-7", "inv-8")] == [2, 1]
    with pytest.raises(ConcurrencyConflict):
        async with store.unit_of_work() as uow:
            await uow.append_streams([
                StreamAppend("inv-9", [invoice("inv-9", "9.00").payload], "C-1", [T0]),
                StreamAppend("inv-7", [cancellation("inv-7")], "C-1", [T0], expected_version=1),
            ])
    assert await store.load("inv-9") == []  # all or nothing


@pytest.mark.parametrize(("reason", "rule"), [("dup\x00licate", "nul_character"),
                                              ("dup\ud800licate", "unpaired_surrogate")])
async def test_an_event_outside_the_value_policy_is_never_written(
    store: EventStore, reason: str, rule: str,
) -> None:
    event = cancellation("inv-10").model_copy(update={"reason": reason})
    with pytest.raises(ValueRefused) as refused:
        async with store.unit_of_work() as uow:
            await uow.append("inv-10", 0, [event], customer_id="C-1", occurred_at=T0)
    assert (refused.value.field, refused.value.rule) == ("payload.reason", rule)
    assert await store.load("inv-10") == []
