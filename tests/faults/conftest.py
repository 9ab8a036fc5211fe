"""Session fixture: our own Kafka broker and PostgreSQL server (other ports, data under
.local/faults/) and the four services as uvicorn processes on them; all stopped at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.faults.faults import Lab
from tests.faults.infra import Infra
from tests.faults.services import Fleet


@pytest.fixture(scope="session")
async def lab() -> AsyncIterator[Lab]:
    infra = Infra()
    infra.fresh()
    fleet = Fleet(infra)
    try:
        await fleet.start()
        yield Lab(infra, fleet)
    finally:
        fleet.stop()
        infra.stop()
