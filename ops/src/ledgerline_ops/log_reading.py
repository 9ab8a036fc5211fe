"""Reading partitions of the log from their start to the end they had when asked (no consumer
group, nothing committed): what the dead-letter and audit-trail commands read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord


async def to_the_end(bootstrap: str, partitions: Sequence[TopicPartition]
                     ) -> AsyncIterator[tuple[TopicPartition, list[ConsumerRecord[bytes, bytes]], int]]:
    """Each fetched batch with a value (partition, records, messages in all to read)."""
    if not partitions:
        return
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, isolation_level="read_committed")
    await consumer.start()
    try:
        consumer.assign(list(partitions))
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(list(partitions))
        while await _behind(consumer, end):
            for tp, records in (await consumer.getmany(timeout_ms=1000)).items():
                yield tp, [r for r in records if r.offset < end[tp] and r.value is not None], \
                    sum(end.values())
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, last in end.items():
        if await consumer.position(tp) < last:
            return True
    return False
