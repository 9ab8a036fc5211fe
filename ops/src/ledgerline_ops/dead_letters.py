"""The dead letters of a service: list them, and re-drive chosen ones after a fix.

A replay publishes the original bytes (and key) to the topic they came from. Every consumer of
that topic drops what it applied before (same event id, same bytes), so only the consumer that
dead-lettered the event applies it; one that refuses it again dead-letters it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaProducer, TopicPartition

from ledgerline_events.runtime.topics_admin import partitions_of

from .log_reading import to_the_end


@dataclass(frozen=True)
class DeadLetterEntry:
    partition: int  # where it sits in the dead-letter topic
    offset: int
    key: bytes | None
    reason: str
    source_topic: str
    source_partition: int
    source_offset: int
    original: bytes

    @property
    def ref(self) -> str:
        """How an operator names it: partition:offset in the dead-letter topic."""
        return f"{self.partition}:{self.offset}"

    @property
    def event(self) -> tuple[str, str] | None:
        """(event type, event id) if the original is an event envelope at all."""
        try:
            body = orjson.loads(self.original)
            return str(body["event_type"]), str(body["event_id"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return None

    def describe(self) -> str:
        what = "{} {}".format(*self.event) if self.event else "not an event"
        return (f"{self.ref}  {self.source_topic}[{self.source_partition}]@{self.source_offset}"
                f"  {what}  reason: {self.reason}")


def parse(partition: int, offset: int, key: bytes | None, value: bytes) -> DeadLetterEntry:
    body = orjson.loads(value)
    return DeadLetterEntry(
        partition=partition, offset=offset, key=key, reason=str(body["reason"]),
        source_topic=str(body["source_topic"]), source_partition=int(body["source_partition"]),
        source_offset=int(body["source_offset"]), original=str(body["original"]).encode(),
    )


def chosen(entries: Sequence[DeadLetterEntry], refs: Iterable[str]) -> list[DeadLetterEntry]:
    """The entries named by `refs` (partition:offset); raises LookupError naming any unknown."""
    by_ref = {e.ref: e for e in entries}
    wanted = list(dict.fromkeys(refs))
    unknown = [r for r in wanted if r not in by_ref]
    if unknown:
        raise LookupError(f"no dead letter {', '.join(unknown)} (see `ledgerline dead-letters list`)")
    return [by_ref[r] for r in wanted]


async def read_all(bootstrap: str, topic: str) -> list[DeadLetterEntry]:
    """Every dead letter of `topic`, oldest first per partition (read to the end, no group)."""
    numbers = (await partitions_of(bootstrap, [topic])).get(topic, [])
    if not numbers:
        return []  # no consumer of the service ever dead-lettered anything
    partitions = [TopicPartition(topic, p) for p in numbers]
    entries: list[DeadLetterEntry] = []
    async for tp, records, _ in to_the_end(bootstrap, partitions):
        entries += [parse(tp.partition, m.offset, m.key, m.value) for m in records]
    return sorted(entries, key=lambda e: (e.partition, e.offset))


async def replay(bootstrap: str, entries: Sequence[DeadLetterEntry]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for entry in entries:
            await producer.send_and_wait(entry.source_topic, value=entry.original, key=entry.key)
    finally:
        await producer.stop()
