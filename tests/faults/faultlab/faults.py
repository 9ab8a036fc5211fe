"""The faults, each injected while the workload streams: crash a service (kill -9) and start it
again, stop and restart the broker or the database, let a second instance of a service join
its consumer group and leave, and redeliver / reorder events across topics."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .infra import Infra
from .raw_log import clone_history, publish, tail
from .services import PACKAGES, Fleet, ServiceProcess
from .workload import Workload


@dataclass
class Lab:
    """Our infrastructure and services, shared by every round of a session."""

    infra: Infra
    fleet: Fleet
    rounds: int = 0
    invoices_checked: int = 0  # invoices whose open amount and status all services agree on
    dead_letters: list[str] = field(default_factory=list)

    @property
    def urls(self) -> dict[str, str]:
        return {name: self.fleet.url(name) for name in PACKAGES}


Fault = Callable[[Lab, random.Random, Workload], Awaitable[str]]


async def kill_service(lab: Lab, rng: random.Random, _: Workload, name: str | None = None) -> str:
    name = name or rng.choice(sorted(PACKAGES))
    service = lab.fleet.services[name]
    service.kill9()
    await asyncio.sleep(rng.uniform(0.2, 1.5))
    await service.start()
    return f"kill -9 {name}"


async def kill_each_service(lab: Lab, rng: random.Random, workload: Workload) -> str:
    for name in PACKAGES:
        await kill_service(lab, rng, workload, name)
        await asyncio.sleep(rng.uniform(0.5, 1.5))
    return "kill -9 each service in turn"


async def restart_kafka(lab: Lab, rng: random.Random, _: Workload) -> str:
    await lab.infra.run("stop_kafka")
    await asyncio.sleep(rng.uniform(1.0, 3.0))
    await lab.infra.run("start_kafka")
    return "restart kafka"


async def restart_postgres(lab: Lab, rng: random.Random, _: Workload) -> str:
    await lab.infra.run("stop_postgres")
    await asyncio.sleep(rng.uniform(1.0, 3.0))
    await lab.infra.run("start_postgres")
    return "restart postgres"


async def rebalance(lab: Lab, rng: random.Random, _: Workload) -> str:
    """A second process of a service joins its consumer group (and stands by for the relay
    lock), takes some partitions, then leaves: politely or by kill -9."""
    name = rng.choice(sorted(PACKAGES))
    second: ServiceProcess = lab.fleet.second_instance(name)
    await second.start()
    await asyncio.sleep(rng.uniform(1.5, 3.0))
    crash = rng.random() < 0.5
    second.kill9() if crash else second.stop()
    return f"rebalance {name} (second instance {'killed' if crash else 'stopped'})"


async def redeliver_and_reorder(lab: Lab, rng: random.Random, workload: Workload) -> str:
    """Re-publish the latest events of every topic, shuffled across topics; then the history of
    a few customers under new ids, collections first, then cash, invoices last."""
    bootstrap = lab.infra.bootstrap
    recent = await tail(bootstrap, per_partition=rng.randrange(10, 40))
    rng.shuffle(recent)
    await publish(bootstrap, recent)
    clones = await clone_history(bootstrap, workload.customer_ids[: rng.randrange(1, 4)],
                                 f"X{lab.rounds}")
    await publish(bootstrap, clones)
    return f"redelivered {len(recent)} events, {len(clones)} cloned events out of order"


FAULTS: dict[str, Fault] = {
    "kill": kill_service, "kafka": restart_kafka, "postgres": restart_postgres,
    "rebalance": rebalance, "redeliver": redeliver_and_reorder,
}
