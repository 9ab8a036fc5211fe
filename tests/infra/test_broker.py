"""Smoke tests of the real Kafka broker: it supports what the event runtime relies on
(idempotent producer, transactions seen by read_committed consumers, consumer-group offsets,
unlimited retention). Each test uses its own topics and deletes them afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from ledgerline_events.contract import Topics

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

NewTopicFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def admin(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    client = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap, request_timeout_ms=10_000)
    await client.start()
    yield client
    await client.close()


@pytest.fixture
async def new_topic(admin: AIOKafkaAdminClient, topics: Topics) -> AsyncIterator[NewTopicFactory]:
    """Creates topics named after this test's prefix; deletes them when the test ends."""
    created: list[str] = []

    async def create(suffix: str, partitions: int = 1, **configs: str) -> str:
        name = f"{topics.prefix}smoke.{suffix}"
        response = await admin.create_topics(
            [NewTopic(name, partitions, 1, topic_configs=configs)], timeout_ms=10_000
        )
        assert [err for _, err, _ in response.topic_errors] == [0], response
        created.append(name)
        return name

    yield create
    if created:
        await admin.delete_topics(created, timeout_ms=10_000)


async def consume(consumer: AIOKafkaConsumer, count: int, within: float = 20) -> list[ConsumerRecord]:
    """Reads until `count` records arrived (fails after `within` seconds)."""
    records: list[ConsumerRecord] = []

    async def read() -> None:
        while len(records) < count:
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)

    await asyncio.wait_for(read(), within)
    return records


async def drain(consumer: AIOKafkaConsumer, quiet_ms: int = 1500) -> list[ConsumerRecord]:
    """Reads until nothing more arrives for `quiet_ms`."""
    records: list[ConsumerRecord] = []
    while batches := await consumer.getmany(timeout_ms=quiet_ms):
        for batch in batches.values():
            records.extend(batch)
    return records


def consumer_for(bootstrap: str, topic: str, **options: object) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,
    )


async def test_idempotent_producer_delivers_each_message_once_in_key_order(
    kafka_bootstrap: str, new_topic: NewTopicFactory
) -> None:
    topic = await new_topic("idempotent", partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        sends = [
            await producer.send(topic, key=f"C-{i % 5}".encode(), value=str(i).encode()) for i in range(200)
        ]
        await asyncio.wait_for(asyncio.gather(*sends), 20)
    finally:
        await producer.stop()

    consumer = consumer_for(kafka_bootstrap, topic)
    await consumer.start()
    try:
        records = await consume(consumer, 200)
        records += await drain(consumer, quiet_ms=500)
    finally:
        await consumer.stop()

    values = [int(r.value) for r in records]
    assert sorted(values) == list(range(200)), "every message exactly once"
    for key in range(5):
        per_key = [int(r.value) for r in records if r.key == f"C-{key}".encode()]
        assert per_key == sorted(per_key), f"order kept for key C-{key}"


async def test_committed_transaction_is_visible_aborted_one_is_not(
    kafka_bootstrap: str, new_topic: NewTopicFactory
) -> None:
    topic = await new_topic("transactions")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"smoke-{uuid.uuid4()}")
    await producer.start()
    try:
        async with producer.transaction():
            for i in range(3):
                await producer.send_and_wait(topic, f"committed-{i}".encode())
        await producer.begin_transaction()
        for i in range(3):
            await producer.send_and_wait(topic, f"aborted-{i}".encode())
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send_and_wait(topic, b"after-abort")
    finally:
        await producer.stop()

    committed = consumer_for(kafka_bootstrap, topic, isolation_level="read_committed")
    uncommitted = consumer_for(kafka_bootstrap, topic, isolation_level="read_uncommitted")
    await committed.start()
    await uncommitted.start()
    try:
        seen_committed = [r.value for r in await consume(committed, 4)]
        seen_committed += [r.value for r in await drain(committed, quiet_ms=500)]
        seen_uncommitted = [r.value for r in await consume(uncommitted, 7)]
    finally:
        await committed.stop()
        await uncommitted.stop()

    assert seen_committed == [b"committed-0", b"committed-1", b"committed-2", b"after-abort"]
    # The aborted records are in the log (a read_uncommitted reader sees them) but hidden.
    assert b"aborted-0" in seen_uncommitted


async def test_consumer_group_resumes_after_committed_offsets(
    kafka_bootstrap: str, new_topic: NewTopicFactory, unique_id: str
) -> None:
    topic = await new_topic("groups")
    partition = TopicPartition(topic, 0)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for i in range(10):
            await producer.send(topic, str(i).encode())
        await producer.flush()
    finally:
        await producer.stop()

    group = f"smoke-group-{unique_id}"
    first = consumer_for(kafka_bootstrap, topic, group_id=group)
    await first.start()
    try:
        read = await consume(first, 4)
        assert [int(r.value) for r in read[:4]] == [0, 1, 2, 3]
        await first.commit({partition: 4})
    finally:
        await first.stop()

    second = consumer_for(kafka_bootstrap, topic, group_id=group)
    await second.start()
    try:
        resumed = await consume(second, 6)
        assert await second.committed(partition) == 4
    finally:
        await second.stop()

    assert resumed[0].offset == 4
    assert [int(r.value) for r in resumed] == [4, 5, 6, 7, 8, 9]


def config_values(responses: list[object]) -> dict[tuple[int, str], dict[str, str]]:
    """(resource type, resource name) -> {config name: value} from DescribeConfigs."""
    found: dict[tuple[int, str], dict[str, str]] = {}
    for response in responses:
        for error, message, rtype, rname, entries in response.resources:  # type: ignore[attr-defined]
            assert error == 0, message
            found[(rtype, rname)] = {entry[0]: entry[1] for entry in entries}
    return found


async def test_topics_keep_events_forever(admin: AIOKafkaAdminClient, new_topic: NewTopicFactory) -> None:
    topic = await new_topic("retention", **{"retention.ms": "-1", "retention.bytes": "-1"})
    cluster = await admin.describe_cluster()
    broker_id = str(cluster["brokers"][0]["node_id"])

    responses = await admin.describe_configs(
        [
            ConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": None}),
            ConfigResource(ConfigResourceType.BROKER, broker_id, {"log.retention.ms": None}),
        ]
    )
    values = config_values(responses)

    assert values[(ConfigResourceType.TOPIC, topic)]["retention.ms"] == "-1"
    # The broker default too, so topics created without explicit settings never expire.
    assert values[(ConfigResourceType.BROKER, broker_id)]["log.retention.ms"] == "-1"
