"""Creates the topics a service writes and reads, with unlimited retention: the log is the
audit trail, so nothing is deleted by age or size."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterable

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

log = structlog.get_logger("ledgerline.topics")

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
    within_s: float = 120.0,
) -> None:
    """Create the missing topics and return once all exist. A broker that has only just
    started (or is electing its controller) refuses for a while; a service starting beside
    it waits up to `within_s` instead of failing its start-up."""
    wanted = set(names)
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        try:
            missing = await _create_missing(bootstrap, wanted, partitions or default_partitions())
        # AttributeError: aiokafka's admin sends to a controller it does not know yet (None).
        except (KafkaError, OSError, TimeoutError, AttributeError) as exc:
            missing, reason = wanted, repr(exc)
        else:
            reason = "not yet created"
        if not missing:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TopicsUnavailable(f"topics {sorted(missing)} missing after {within_s:.0f} s: {reason}")
        log.warning("topics.retry", missing=sorted(missing), reason=reason)
        await asyncio.sleep(1.0)


class TopicsUnavailable(RuntimeError):
    """The broker did not create the topics in time."""


async def _create_missing(bootstrap: str, wanted: set[str], count: int) -> set[str]:
    async with _admin(bootstrap) as admin:
        missing = wanted - set(await admin.list_topics())
        if missing:
            new = [NewTopic(n, num_partitions=count, replication_factor=1, topic_configs=FOREVER)
                   for n in sorted(missing)]
            # Per-topic errors come back in the answer, not as exceptions; "already exists"
            # (another process made it first) is success, anything else is retried.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
            missing -= set(await admin.list_topics())
        return missing


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
