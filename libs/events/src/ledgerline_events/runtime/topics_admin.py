"""Creates the topics a service writes and reads, with unlimited retention: the log is the
audit trail, so nothing is deleted by age or size."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}

# Partitions are the unit of parallelism: of consumers in a group, and of a rebuild's worker
# processes. Six split evenly among 1, 2, 3 or 6 of them; with 3, one of two rebuild workers
# had twice the other's events and the rebuild lasted as long as it. (deploy/local/kafka.sh
# and docker-compose.yml give auto-created topics the same count.)
PARTITIONS = 6


def default_partitions() -> int:
    """LEDGERLINE_KAFKA_PARTITIONS, else PARTITIONS. The test suite uses 2: it creates hundreds
    of topics, and six partitions each overloaded the single test broker's controller."""
    return int(os.environ.get("LEDGERLINE_KAFKA_PARTITIONS", PARTITIONS))


@contextlib.asynccontextmanager
async def _admin(bootstrap: str, **options: int) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def ensure_topics(
    bootstrap: str, names: Iterable[str], *, partitions: int | None = None,
) -> None:
    async with _admin(bootstrap) as admin:
        existing = set(await admin.list_topics())
        missing = sorted(set(names) - existing)
        if not missing:
            return
        count = partitions or default_partitions()
        new = [NewTopic(n, num_partitions=count, replication_factor=1, topic_configs=FOREVER)
               for n in missing]
        with contextlib.suppress(TopicAlreadyExistsError):  # another process made it first
            await admin.create_topics(new)


async def partitions_of(bootstrap: str, names: Iterable[str]) -> dict[str, list[int]]:
    """Partition numbers of each existing topic (missing topics are left out)."""
    async with _admin(bootstrap) as admin:
        described = await admin.describe_topics(sorted(set(names)))
    return {
        d["topic"]: sorted(p["partition"] for p in d["partitions"])
        for d in described if d["error_code"] == 0
    }


async def topic_names(bootstrap: str) -> set[str]:
    async with _admin(bootstrap) as admin:
        return set(await admin.list_topics())


async def delete_topics(bootstrap: str, names: Iterable[str], *, per_request: int = 200) -> None:
    """For throwaway topics only (tests, benchmarks): the audit trail is never deleted.
    A few hundred per request: a broker answers thousands of partitions slowly."""
    ordered = sorted(set(names))
    async with _admin(bootstrap, request_timeout_ms=120_000) as admin:
        for i in range(0, len(ordered), per_request):
            await admin.delete_topics(ordered[i:i + per_request], timeout_ms=60_000)
