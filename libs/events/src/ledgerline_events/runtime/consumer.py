"""The live consumer: one Kafka consumer group per service feeding all its projections.

Offsets of record live in PostgreSQL beside the projections (never committed to Kafka): on
start and after every rebalance the runner seeks to them, so each event affects a projection
exactly once whatever crashes or rebalances happen. After a rebuild is swapped in, the read
schema's generation changes and the runner re-seeks to the swapped-in offsets.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition

from ledgerline_events.contract import Topics, encode

from .postgres import ident, install_once
from .projection import (
    BatchApplier,
    BatchStats,
    DeadLetter,
    Projection,
    Record,
    SchemaSwapped,
    SystemicFailure,
    install_read_schema,
    stored_offsets,
)
from .rejections import rejection_of
from .topics_admin import ensure_topics

log = structlog.get_logger("ledgerline.consumer")

HALT_PAUSE_S, MAX_HALT_PAUSE_S = 5.0, 60.0


class ConsumerRunner:
    def __init__(
        self, *, service: str, pool: asyncpg.Pool, schema: str, projections: Sequence[Projection],
        topics: Topics, bootstrap: str, group_id: str, batch_size: int = 2000,
        linger_s: float = 0.0, max_refused_in_row: int | None = None,
    ) -> None:
        self.service = service
        self.pool = pool
        self.schema = schema
        self.projections = list(projections)
        self.topics = topics
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.batch_size = batch_size
        self.linger_s = linger_s
        self.dead_letter_topic = topics.dead_letter(service)
        self.subscribed = sorted({t for p in projections for t in p.topics(topics)})
        self.totals = BatchStats()
        self.started = False
        # Why the consumer is stopped (a SystemicFailure), None while it runs. Its refusal
        # count outlives the retries: only a restart (after checking the dead letters) resets it.
        self.halted: str | None = None
        self.max_refused_in_row = max_refused_in_row
        self._refused_in_row = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._generation: object = None
        self._positions: dict[TopicPartition, int] = {}

    async def install(self) -> None:
        async def ddl(conn: asyncpg.Connection) -> None:
            await install_read_schema(conn, self.schema, self.projections)

        await install_once(self.pool, ddl)

    def lag(self) -> dict[str, int]:
        """Messages not yet applied, per topic (for metrics)."""
        consumer, lag = self._consumer, dict[str, int]()
        if consumer is None:
            return lag
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            position = self._positions.get(tp)
            if high is not None and position is not None:
                lag[tp.topic] = lag.get(tp.topic, 0) + max(0, high - position)
        return lag

    def caught_up(self) -> bool:
        """Partitions assigned (not in a rebalance), each fetched at least once and applied up
        to the end that fetch saw. `lag()` alone reads 0 while nothing is assigned."""
        consumer = self._consumer
        if consumer is None or not consumer.assignment():
            return False
        for tp in consumer.assignment():
            high, position = consumer.highwater(tp), self._positions.get(tp)
            if high is None or position is None or position < high:
                return False
        return True

    async def run(self) -> None:
        """Consume until cancelled; reconnects after broker outages. A systemic failure stops
        consuming with the offsets kept, reports not ready, and tries again after a pause
        (a fix such as a migration or a grant needs no restart)."""
        if not self.subscribed:
            return
        pause = HALT_PAUSE_S
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except SystemicFailure as exc:
                self.started, self.halted = False, str(exc)
                log.error("consumer.halted", reason=self.halted, service=self.service,
                          retry_in_s=pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_HALT_PAUSE_S)
            except Exception as exc:
                self.started = False
                log.warning("consumer.retry", error=repr(exc), service=self.service)
                await asyncio.sleep(1.0)

    async def _run_once(self) -> None:
        answers = [self.topics.sales_rejections] if self.topics.sales_inbound in self.subscribed else []
        await ensure_topics(self.bootstrap, [*self.subscribed, self.dead_letter_topic, *answers])
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all",
                                          enable_idempotence=True)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group_id, enable_auto_commit=False,
            auto_offset_reset="earliest", isolation_level="read_committed",
            max_poll_records=self.batch_size, metadata_max_age_ms=5000,
        )
        applier = BatchApplier(self.pool, self.schema, self.projections, self.topics,
                               dead_letter=self._send_dead_letters,
                               max_refused_in_row=self.max_refused_in_row)
        applier.refused_in_row = self._refused_in_row
        await self._producer.start()
        try:
            await self._consumer.start()
            self._consumer.subscribe(self.subscribed, listener=_SeekToStored(self))
            self.started = True
            await self._consume(applier)
        finally:
            self.started = False
            with contextlib.suppress(Exception):
                await self._consumer.stop()
            with contextlib.suppress(Exception):
                await self._producer.stop()

    async def _consume(self, applier: BatchApplier) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=200, max_records=self.batch_size)
            if not batches:
                continue
            batches = await self._linger(batches)
            records = [
                Record(m.topic, m.partition, m.offset, m.key, m.value)
                for msgs in batches.values() for m in msgs
            ]
            applier.generation = self._generation
            try:
                self.totals.merge(await applier.apply(records))
            except SchemaSwapped:
                await self.seek_to_stored(self._consumer.assignment())
                continue
            finally:
                self._refused_in_row = applier.refused_in_row
            if self.halted is not None:
                log.info("consumer.resumed", service=self.service, after=self.halted)
                self.halted = None
            advance(self._positions, batches)

    async def _linger(
        self, batches: dict[TopicPartition, list[Any]]
    ) -> dict[TopicPartition, list[Any]]:
        """A batch short of full waits a moment for more: under load a few events per
        transaction cost far more CPU than the wait, and nothing waits when idle."""
        assert self._consumer is not None
        have = sum(len(m) for m in batches.values())
        if self.linger_s <= 0 or have >= self.batch_size:
            return batches
        await asyncio.sleep(self.linger_s)
        more = await self._consumer.getmany(timeout_ms=0, max_records=self.batch_size - have)
        for tp, msgs in more.items():
            batches.setdefault(tp, []).extend(msgs)
        return batches

    async def seek_to_stored(self, partitions: set[TopicPartition] | frozenset[TopicPartition]) -> None:
        """Resume every assigned partition where PostgreSQL says we are."""
        assert self._consumer is not None
        async with self.pool.acquire() as conn:
            # The generation first: a swap between the two reads shows as a changed
            # generation at the next batch, which seeks again.
            self._generation = await conn.fetchval(
                f"SELECT generation FROM {ident(self.schema)}.read_model_generation WHERE id = 1"
            )
            offsets = await stored_offsets(conn, self.schema)
        for tp in partitions:
            stored = offsets.get((tp.topic, tp.partition))
            if stored is None:
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, stored)
            # Lag is known from the first fetch on, not only after the first applied batch.
            self._positions[tp] = stored or 0
        log.info("consumer.seek", service=self.service, partitions=len(partitions))

    async def _send_dead_letters(self, dead: Sequence[DeadLetter]) -> None:
        assert self._producer is not None
        sent = []
        for d in dead:
            headers = [
                ("reason", d.reason.encode()), ("source_topic", d.record.topic.encode()),
                ("source_partition", str(d.record.partition).encode()),
                ("source_offset", str(d.record.offset).encode()),
                ("consumer", self.service.encode()),
            ]
            value = orjson.dumps({
                "reason": d.reason, "source_topic": d.record.topic,
                "source_partition": d.record.partition, "source_offset": d.record.offset,
                "consumer": self.service,
                "original": (d.record.value or b"").decode("utf-8", errors="replace"),
            })
            sent.append(await self._producer.send(
                self.dead_letter_topic, value=value, key=d.record.key, headers=headers
            ))
            if d.record.topic == self.topics.sales_inbound:  # its publisher hears it too
                answer = rejection_of(d.record, d.reason, self.service, datetime.now(UTC))
                sent.append(await self._producer.send(
                    self.topics.sales_rejections, value=encode(answer), key=d.record.key))
        await asyncio.gather(*sent)


def advance(
    positions: dict[TopicPartition, int], batches: Mapping[TopicPartition, Sequence[Any]]
) -> None:
    """Positions after a batch (records with `.offset`). Records aiokafka fetched from the
    start before our seek to the stored offsets can still be delivered after it: the applier
    skips them, and they must not move a position back (the lag would then stay up forever,
    as nothing is left to fetch)."""
    for tp, msgs in batches.items():
        if msgs:
            positions[tp] = max(positions.get(tp, 0), msgs[-1].offset + 1)


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ConsumerRunner) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self.runner.seek_to_stored(assigned)
