"""The one command path (runtime.run_command): a command that lost a race is decided again on
fresh state; a repeated key answers the first answer; a stream that keeps changing is a 409."""

import asyncio
from typing import Any

import pytest

from ledgerline_events.contract.refusals import StateConflict
from ledgerline_events.runtime import EventStore, Origin, RetryPolicy, UnitOfWork, run_command

from ..sample import T0, cancellation

pytestmark = pytest.mark.integration




def append_after_a_pause(invoice_id: str) -> Any:
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        history = await uow.load(invoice_id)
        await asyncio.sleep(0.05)  # both decide on the same history
        await uow.append(invoice_id, len(history), [cancellation(invoice_id)],
                         customer_id="C-1", occurred_at=T0)
        return {"version": len(history) + 1}
    return body


async def test_a_command_that_lost_the_race_is_decided_again_on_fresh_state(
    store: EventStore,
) -> None:
    answers = await asyncio.gather(*(
        run_command(store, Origin(f"k-{i}", "cancel"), append_after_a_pause("inv-1"))
        for i in range(2)))
    assert sorted(a["version"] for a in answers) == [1, 2]
    assert len(await store.load("inv-1")) == 2


async def test_a_repeated_key_answers_what_it_answered_first(store: EventStore) -> None:
    first = await run_command(store, Origin("k-same", "cancel"), append_after_a_pause("inv-2"))
    again = await run_command(store, Origin("k-same", "cancel"), append_after_a_pause("inv-2"))
    assert first == again == {"version": 1}
    assert len(await store.load("inv-2")) == 1


async def test_a_stream_that_keeps_changing_is_answered_409_concurrent_change(
    store: EventStore,
) -> None:
    async def always_behind(uow: UnitOfWork) -> dict[str, Any]:
        await uow.append("inv-3", 0, [cancellation("inv-3")], customer_id="C-1", occurred_at=T0)
        return {}
    await run_command(store, Origin("k-first", "x"), always_behind)
    with pytest.raises(StateConflict) as refused:
        await run_command(store, Origin("k-late", "x"), always_behind,
                          retry=RetryPolicy(attempts=3, pause_s=0.001))
    assert (refused.value.status, refused.value.rule) == (409, "concurrent_change")
