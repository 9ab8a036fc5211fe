"""Session fixture: our own Kafka broker and PostgreSQL server (other ports, data under
.local/faults/) and the four services as uvicorn processes on them; all stopped at the end."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The lab is a package beside this file, importable under its own name whatever else is
# collected (the name `tests` belongs to several folders in this repository).
sys.path.insert(0, str(Path(__file__).parent))

from faultlab.faults import Lab
from faultlab.infra import Infra
from faultlab.services import Fleet


@pytest.fixture(scope="session")
async def lab() -> AsyncIterator[Lab]:
    infra = Infra()
    fleet = Fleet(infra)
    try:  # whatever fails, nothing is left running on the lab's ports for the next run
        infra.fresh()
        await fleet.start()
        yield Lab(infra, fleet)
    finally:
        fleet.stop()
        infra.stop()


@pytest.fixture(autouse=True, scope="session")
def _quiet_kafka_client() -> None:
    """Our own producers see the broker go away on purpose: no pages of connection errors."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
