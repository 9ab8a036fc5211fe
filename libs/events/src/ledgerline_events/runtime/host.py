"""The process every service runs: the runtime (pool, event store, relay, consumer) and the
FastAPI app around it with health, readiness and metrics. Nothing starts at import time."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
import structlog
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledgerline_events.contract.asyncapi import document as asyncapi_document
from ledgerline_events.contract.values import use_value_policy

from . import read_model_versions
from .admin import admin_router, rebuild_schema
from .auth import authenticate, authenticator_from
from .consumer import ConsumerRunner
from .edges import StrictJson, check_route_inputs
from .event_store import EventStore
from .intake import Intake
from .migrations import Migration
from .observability import RuntimeCollector, configure_logging
from .postgres import create_pool, install_once
from .problems import PROBLEM_RESPONSES, add_problem_answers
from .projection import TRANSIENT_DB_ERRORS, Projection
from .rebuild import Progress, RebuildRunning, rebuild, swap
from .relay import OutboxRelay
from .reporting import ReportingView, install_reporting
from .requests import Clock, utc_now
from .settings import ServiceSettings

Hook = Callable[["Runtime"], Coroutine[Any, Any, None]]
log = structlog.get_logger("ledgerline.host")
REBUILD_RETRY_S = 5.0


class Runtime:
    """Wires one service's infrastructure. `write_migrations` shape the service's own write
    tables beside the event store; `on_install` hooks run once those exist; `background`
    hooks are long-running worker tasks (schedules)."""

    def __init__(
        self, settings: ServiceSettings, projections: Sequence[Projection] = (), *,
        on_install: Sequence[Hook] = (), background: Sequence[Hook] = (),
        replay_projections: Sequence[Projection] | None = None,
        write_migrations: Sequence[Migration] = (), intakes: Sequence[Intake] = (),
        reporting: Sequence[ReportingView] = (),
    ) -> None:
        self.settings = settings
        self.reporting = list(reporting)  # the BI tools' views (reporting.py)
        self.projections = list(projections)
        # What a replay may rebuild: projections that only read the log (default: all of
        # them). A projection that acts on what it sees (credit's hold rules) passes a pure one.
        self.replay_projections = list(
            self.projections if replay_projections is None else replay_projections)
        self.on_install = list(on_install)
        self.background = list(background)
        self.write_migrations = list(write_migrations)
        self.intakes = list(intakes)  # consumers of other systems' topics (intake.py)
        # Projections whose read tables another version built: rebuilt before consuming.
        self.outdated: list[str] = []
        self.read_model_rebuild: dict[str, Any] | None = None
        self.pool: asyncpg.Pool | None = None
        self.store: EventStore | None = None
        self.relay: OutboxRelay | None = None
        self.runner: ConsumerRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        s = self.settings
        self.pool = await create_pool(s.pg_dsn, min_size=s.pg_pool_min, max_size=s.pg_pool_max)
        self.store = EventStore(self.pool, s.write_schema, producer=s.service_name)
        await self.store.install(self.write_migrations)
        async with self.pool.acquire() as conn:
            self.outdated = await read_model_versions.outdated(conn, s.read_schema,
                                                               self.projections)
        self.runner = ConsumerRunner(
            service=s.service_name, pool=self.pool, schema=s.read_schema,
            projections=self.projections, topics=s.topics, bootstrap=s.kafka_bootstrap,
            group_id=s.consumer_group, batch_size=s.consumer_batch_size,
            linger_s=s.consumer_linger_ms / 1000, max_refused_in_row=s.consumer_max_refused_in_row,
        )
        await self.runner.install()
        if self.reporting:
            async def views(conn: asyncpg.Connection) -> None:
                await install_reporting(conn, s.read_schema, self.reporting)
            await install_once(self.pool, views)
        for hook in self.on_install:
            await hook(self)
        for intake in self.intakes:
            await intake.install(self)
        self.relay = OutboxRelay(self.pool, s.write_schema, s.topics.events(s.service_name),
                                 s.kafka_bootstrap)
        self.store.wake_local_relay = self.relay.wake
        if s.run_worker:
            self.start_worker()

    def start_worker(self) -> None:
        assert self.relay is not None and self.runner is not None
        name = self.settings.service_name
        consume = self.rebuild_then_consume() if self.outdated else self.runner.run()
        if self.outdated:
            self.read_model_rebuild = {"outdated": self.outdated, "done": 0, "total": None}
        jobs: list[tuple[str, Coroutine[Any, Any, None]]] = [
            (f"{name}.relay", self.relay.run()), (f"{name}.consumer", consume),
        ]
        jobs += [(f"{name}.{getattr(h, '__name__', 'background')}", h(self)) for h in self.background]
        jobs += [(f"{name}.{i.name}", i.run(self)) for i in self.intakes]
        self._tasks = [asyncio.create_task(job, name=label) for label, job in jobs]

    async def rebuild_then_consume(self) -> None:
        """The read schema rebuilt from the log into `<read>_rebuild` and swapped in, while
        reads go on from the old one; then the consumer goes on from where the rebuild ended.
        A failed rebuild (broker away) is tried again, and a replica starting beside one that
        rebuilds waits for it; the consumer never runs on outdated tables."""
        assert self.pool is not None and self.runner is not None
        log.warning("read_model.rebuild_at_start", outdated=self.outdated)
        while True:
            try:
                async with self.pool.acquire() as conn:
                    if not await read_model_versions.outdated(
                            conn, self.settings.read_schema, self.projections):
                        break
                retired = await self._rebuild_read_schema()
                log.info("read_model.rebuilt", outdated=self.outdated, retired_schema=retired)
                break
            except RebuildRunning:
                log.info("read_model.rebuild_elsewhere", outdated=self.outdated)
            except (KafkaError, *TRANSIENT_DB_ERRORS) as exc:
                log.error("read_model.rebuild_failed", error=repr(exc))
                self.read_model_rebuild = {**(self.read_model_rebuild or {}), "error": repr(exc)}
            await asyncio.sleep(REBUILD_RETRY_S)
        self.outdated, self.read_model_rebuild = [], None
        await self.runner.run()

    async def _rebuild_read_schema(self) -> str:
        assert self.pool is not None
        s, target = self.settings, rebuild_schema(self.settings.read_schema)

        def on_progress(p: Progress) -> None:
            self.read_model_rebuild = {"outdated": self.outdated, "done": p.done, "total": p.total}

        await rebuild(pool=self.pool, bootstrap=s.kafka_bootstrap,
                      projections=self.replay_projections, topics=s.topics,
                      target_schema=target, on_progress=on_progress)
        return await swap(self.pool, s.read_schema, target)

    async def stop(self, grace_s: float = 10.0) -> None:
        """Cancel the worker tasks and close the pool, never waiting more than `grace_s` on
        either: a task stuck in a client library must not hang a shutdown."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, stuck = await asyncio.wait(self._tasks, timeout=grace_s)
            if stuck:
                log.warning("runtime.stop.tasks_stuck", tasks=[t.get_name() for t in stuck])
        self._tasks = []
        if self.pool is not None:
            try:
                await asyncio.wait_for(self.pool.close(), grace_s)
            except TimeoutError:
                log.warning("runtime.stop.pool_terminated")
                self.pool.terminate()

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {"database": False}
        if self.pool is not None:
            with contextlib.suppress(Exception):
                async with self.pool.acquire(timeout=2) as conn:
                    checks["database"] = await conn.fetchval("SELECT true")
        if self.settings.run_worker:
            checks["consumer"] = bool(self.runner and not self.runner.halted
                                      and not self.read_model_rebuild
                                      and (self.runner.started or not self.runner.subscribed))
            if self.read_model_rebuild:
                checks["read_model_rebuild"] = self.read_model_rebuild
            if self.runner and self.runner.halted:
                checks["consumer_halted"] = self.runner.halted
            checks["relay"] = bool(self.relay and (self.relay.active or self.relay.standby))
            checks |= {intake.name: intake.started for intake in self.intakes}
        return checks


def create_service_app(
    runtime: Runtime, routers: Sequence[APIRouter], *, title: str, description: str = "",
    version: str = "0.1.0", clock: Clock = utc_now,
) -> FastAPI:
    """The service's app. Every route of `routers` (and the admin router) requires an
    authenticated caller; write routes add `requires(role...)`. Only /health, /ready, /metrics
    and the OpenAPI pages are public. Raises `AuthNotConfigured` without a secret or API keys."""
    settings = runtime.settings
    configure_logging(settings.log_level, json=settings.log_json)
    use_value_policy(settings.value_policy())
    authenticator = authenticator_from(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        log.info("service.started", service=settings.service_name)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan,
                  max_body_size=settings.max_request_bytes)
    app.state.runtime = runtime
    app.state.clock = clock  # runtime.requests.Now reads it; tests set their own
    app.state.authenticator = authenticator
    _add_operations(app, runtime)
    app.add_middleware(StrictJson, limit=settings.max_request_bytes)
    add_problem_answers(app)
    signed_in = [Depends(authenticate)]
    app.include_router(admin_router(), dependencies=signed_in, responses=PROBLEM_RESPONSES)
    for router in routers:
        app.include_router(router, dependencies=signed_in, responses=PROBLEM_RESPONSES)
    check_route_inputs(app)
    return app


def _add_operations(app: FastAPI, runtime: Runtime) -> None:
    registry = CollectorRegistry()
    registry.register(RuntimeCollector(runtime))

    app.add_middleware(CorrelationId)

    @app.get("/health", tags=["operations"], summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": runtime.settings.service_name}

    @app.get("/ready", tags=["operations"], summary="Readiness: database, consumer and relay up")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(bool(v) for v in checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    contract: list[bytes] = []  # built on first request: a hundred models' schemas

    @app.get("/asyncapi.json", tags=["operations"], response_class=Response,
             summary="The event contract (AsyncAPI 3.0) with this deployment's topic names")
    async def asyncapi() -> Response:
        if not contract:
            contract.append(orjson.dumps(asyncapi_document(runtime.settings.topics)))
        return Response(contract[0], media_type="application/json")


class CorrelationId:
    """The caller's x-correlation-id (or a new one) is bound to the request's logs and echoed
    on the response. Plain ASGI: `@app.middleware("http")` (BaseHTTPMiddleware) runs every
    request in an extra task group and body stream, a measurable share of a small command."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-correlation-id"), b"")
        correlation_id = given.decode("latin-1") or str(uuid.uuid4())
        echoed = (b"x-correlation-id", correlation_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != echoed[0]]
                message["headers"] = [*headers, echoed]
            await send(message)

        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id")
