"""A consumer of another system's topic (the ERP's sales events) that turns what it reads into
our commands. It has its own group and keeps its offsets in the write schema beside what its
commands write, so a rebuild of the read models never runs it again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .consumer import ConsumerRunner
from .projection import Projection

if TYPE_CHECKING:
    from .host import Runtime


class Intake:
    """`name` is how readiness calls it; the host installs and runs it with its worker."""

    def __init__(self, name: str, projections: Sequence[Projection], group_id: str) -> None:
        self.name = name
        self.projections = list(projections)
        self.group_id = group_id
        self.runner: ConsumerRunner | None = None

    async def install(self, runtime: Runtime) -> None:
        assert runtime.pool is not None
        s = runtime.settings
        self.runner = ConsumerRunner(
            service=s.service_name, pool=runtime.pool, schema=s.write_schema,
            projections=self.projections, topics=s.topics, bootstrap=s.kafka_bootstrap,
            group_id=self.group_id, batch_size=s.consumer_batch_size,
            linger_s=s.consumer_linger_ms / 1000,
            max_refused_in_row=s.consumer_max_refused_in_row,
        )
        await self.runner.install()

    async def run(self, runtime: Runtime) -> None:
        assert self.runner is not None
        await self.runner.run()

    @property
    def started(self) -> bool:
        return bool(self.runner and self.runner.started)
