"""One round: stream the workload, inject a fault in the middle, let clients retry what was not
acknowledged, wait until caught up, then check everything. And the seeded randomized driver."""

from __future__ import annotations

import asyncio
import random
import time

import asyncpg

from . import checks
from .caught_up import TOPICS, wait_caught_up
from .faults import FAULTS, Fault, Lab
from .workload import Workload


class RoundFailed(AssertionError):
    pass


async def run_round(lab: Lab, fault: Fault, seed: int, seconds: float = 6.0) -> str:
    """Returns what happened, one line; raises RoundFailed listing every broken promise."""
    rng = random.Random(seed)
    lab.rounds += 1
    started = time.monotonic()
    async with Workload(f"F{lab.rounds}s{seed % 10_000}", rng, lab.urls, lab.infra.bootstrap,
                        TOPICS) as workload:
        stream = asyncio.create_task(workload.run(seconds))
        await asyncio.sleep(seconds * rng.uniform(0.25, 0.5))
        try:
            what = await fault(lab, rng, workload)
        finally:
            await stream
        if dead := lab.fleet.dead():
            raise RoundFailed(f"seed {seed}: services died during '{what}': {dead}")
        await workload.settle()
        problems = await verify(lab, workload)
    acked = sum(c.acknowledged for c in workload.commands)
    line = (f"{what}: {len(workload.orders)} orders, {acked}/{len(workload.commands)} commands "
            f"acknowledged, {lab.invoices_checked} invoices agree in all four services, "
            f"{time.monotonic() - started:.0f} s")
    if problems:
        shown = "\n  ".join(problems[:40])
        raise RoundFailed(f"seed {seed}, {line}; {len(problems)} problems:\n  {shown}")
    return line


async def verify(lab: Lab, workload: Workload) -> list[str]:
    bootstrap = lab.infra.bootstrap
    pool = await asyncpg.create_pool(lab.infra.dsn, min_size=1, max_size=4)
    try:
        await wait_caught_up(pool, bootstrap)
        log = await checks.the_log(bootstrap)
        problems = checks.exactly_once(log, workload)
        problems += checks.no_open_amount_below_zero(log)
        problems += await checks.invariant_mismatches(lab.urls, log)
        disagreements, lab.invoices_checked = await checks.invoices_disagree(lab.urls, log, workload)
        problems += disagreements
        problems += await checks.projections_know(lab.urls, workload)
        problems += await checks.replay_differences(pool, bootstrap)
    finally:
        await pool.close()
    dead_letters = await checks.dead_letters(bootstrap)
    problems += [d for d in dead_letters if d not in lab.dead_letters]
    lab.dead_letters = dead_letters
    return problems


def plan(seed: int, rounds: int) -> list[tuple[str, int]]:
    """The faults and round seeds of a randomized run: the same seed, the same plan."""
    rng = random.Random(seed)
    return [(rng.choice(sorted(FAULTS)), rng.randrange(2**31)) for _ in range(rounds)]


async def soak(lab: Lab, seed: int, rounds: int) -> list[str]:
    print(f"\nfaults: randomized run, seed {seed}, {rounds} rounds", flush=True)
    done = []
    for i, (name, round_seed) in enumerate(plan(seed, rounds), start=1):
        try:
            line = await run_round(lab, FAULTS[name], round_seed)
        except Exception as exc:
            print(f"faults: FAILED in round {i}/{rounds} ({name}); reproduce with "
                  f"`make faults SEED={seed} ROUNDS={i}`", flush=True)
            raise RoundFailed(f"randomized run seed {seed}, round {i} ({name}): {exc}") from exc
        print(f"faults: round {i}/{rounds} {line}", flush=True)
        done.append(line)
    return done
