"""Throwaway topics (tests, benchmarks) are deleted by name; nothing else goes with them."""

import socket

import pytest

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.topics_admin import (
    TopicsUnavailable,
    delete_topics,
    ensure_topics,
    topic_names,
)
from ledgerline_events.testing import eventually

pytestmark = pytest.mark.integration


async def test_deleting_throwaway_topics_leaves_the_others(kafka_bootstrap: str, topics: Topics) -> None:
    doomed = [topics.invoicing, topics.collections]
    kept = topics.cash_application
    await ensure_topics(kafka_bootstrap, [*doomed, kept])

    await delete_topics(kafka_bootstrap, doomed)

    async def gone() -> set[str]:  # the broker deletes in the background
        names = await topic_names(kafka_bootstrap)
        return set() if names & set(doomed) else names
    assert kept in await eventually(gone, timeout=30)


async def test_a_service_starting_before_its_broker_waits_then_says_which_topics_are_missing() -> None:
    with socket.socket() as s:  # a port nobody listens on: the broker is not up yet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TopicsUnavailable, match="invoicing"):
        await ensure_topics(f"127.0.0.1:{port}", ["ledgerline.invoicing.events"], within_s=2)


async def test_ensuring_topics_that_exist_changes_nothing(kafka_bootstrap: str, topics: Topics) -> None:
    await ensure_topics(kafka_bootstrap, [topics.invoicing])
    await ensure_topics(kafka_bootstrap, [topics.invoicing], within_s=0)

    assert topics.invoicing in await topic_names(kafka_bootstrap)
