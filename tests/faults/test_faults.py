"""Faults against the real stack (own broker, database and service processes): after each,
nothing acknowledged is lost or doubled, the AR invariant holds and a replay equals live.
`make test` runs the smoke (no fault, each service killed in turn); the scenarios marked soak
(broker and database restarts, rebalance, redelivery, randomized rounds) run with `make faults
SEED=... ROUNDS=...` or `make test-all`: on a loaded 2-core machine they take longer than the
whole rest of the suite."""

from __future__ import annotations

import os

import pytest
from faultlab.faults import (
    Lab,
    kill_each_service,
    rebalance,
    redeliver_and_reorder,
    restart_kafka,
    restart_postgres,
)
from faultlab.letters import kill_the_letter_sender
from faultlab.rounds import run_round, soak

SEED = int(os.environ.get("LEDGERLINE_FAULTS_SEED", "20260311"))
ROUNDS = int(os.environ.get("LEDGERLINE_FAULTS_ROUNDS", "3"))

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(600 + 180 * ROUNDS)]


async def test_baseline_without_faults(lab: Lab) -> None:
    async def nothing(*_: object) -> str:
        return "no fault"

    print(await run_round(lab, nothing, seed=1, seconds=4))


async def test_kill_each_service_in_turn(lab: Lab) -> None:
    print(await run_round(lab, kill_each_service, seed=2, seconds=10))


async def test_a_killed_letter_sender_resumes_and_sends_no_letter_twice(lab: Lab) -> None:
    print(await kill_the_letter_sender(lab))


@pytest.mark.soak
async def test_kafka_restart(lab: Lab) -> None:
    print(await run_round(lab, restart_kafka, seed=3))


@pytest.mark.soak
async def test_postgres_restart(lab: Lab) -> None:
    print(await run_round(lab, restart_postgres, seed=4))


@pytest.mark.soak
async def test_consumer_group_rebalance(lab: Lab) -> None:
    print(await run_round(lab, rebalance, seed=5))


@pytest.mark.soak
async def test_redelivery_and_cross_topic_reordering(lab: Lab) -> None:
    print(await run_round(lab, redeliver_and_reorder, seed=6))


@pytest.mark.soak
async def test_randomized_rounds(lab: Lab) -> None:
    await soak(lab, SEED, ROUNDS)
