"""The service host answers a database outage with 503 (retry), not a 500."""

from typing import ClassVar

import httpx
import pytest
from fastapi import APIRouter, Request

from ledgerline_events.runtime import Runtime, ServiceSettings, create_service_app
from ledgerline_events.runtime.auth import mint_token

pytestmark = pytest.mark.integration
SECRET = "a-test-secret-of-at-least-thirty-two-bytes"


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "collections"


async def test_a_request_during_a_database_outage_is_answered_503_retry(
    pg_dsn: str, schema_prefix: str, topics: object, unique_id: str
) -> None:
    router = APIRouter()

    @router.get("/probe")
    async def probe(request: Request) -> dict[str, int]:
        return {"one": await request.app.state.runtime.pool.fetchval("SELECT 1")}

    settings = ProbeSettings(pg_dsn=pg_dsn, schema_prefix=schema_prefix, run_worker=False,
                             topic_prefix=f"test-{unique_id}.", auth_jwt_secret=SECRET)
    app = create_service_app(Runtime(settings), [router], title="probe")
    headers = {"Authorization": f"Bearer {mint_token(SECRET, 'auditor-1', ['auditor'])}"}
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://probe", headers=headers
    ) as client:
        assert (await client.get("/probe")).json() == {"one": 1}
        await app.state.runtime.pool.close()  # the database goes away
        response = await client.get("/probe")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["rule"] == "temporarily_unavailable"
