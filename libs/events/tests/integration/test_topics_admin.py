"""Throwaway topics (tests, benchmarks) are deleted by name; nothing else goes with them."""

import pytest

from ledgerline_events.contract import Topics
from ledgerline_events.runtime.topics_admin import delete_topics, ensure_topics, topic_names
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
