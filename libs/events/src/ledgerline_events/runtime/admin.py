"""Operator endpoints every service gets from the host: rebuild the replayable projections
into `<read_schema>_rebuild` while the live schema keeps serving, optionally swap it in.

Admin-only (role `admin`, runtime/auth.py; the host adds authentication). One replay at a
time per process (409 otherwise).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from ledgerline_events.contract.base import UtcDateTime

from .auth import requires
from .rebuild import Progress, rebuild, swap

if TYPE_CHECKING:
    from .host import Runtime

log = structlog.get_logger("ledgerline.admin")


class ReplayRequest(BaseModel):
    """`as_of`: only events whose business time is at or before it; `swap`: make the
    rebuilt schema the live one when done (refused together with `as_of`: an as-of read
    model is a picture of the past, not the present)."""

    model_config = ConfigDict(extra="forbid")

    as_of: UtcDateTime | None = None
    swap: bool = False
    resume: bool = False


class ReplayProgress(BaseModel):
    done: int
    total: int
    events_per_s: float
    eta_s: float | None


class ReplayState(BaseModel):
    """A replay as it runs and once it ended: `state` running / done / failed; when done the
    counts (and the retired schema after a swap), when failed the error."""

    target_schema: str
    state: str
    as_of: datetime | None
    swap: bool
    progress: ReplayProgress | None = None
    applied: int | None = None
    skipped_after_as_of: int | None = None
    dead_lettered: int | None = None
    retired_schema: str | None = None
    error: str | None = None


@dataclass
class ReplayJob:
    target_schema: str
    as_of: datetime | None
    swap: bool
    state: str = "running"
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None

    def view(self) -> dict[str, Any]:
        return {"target_schema": self.target_schema, "state": self.state,
                "as_of": self.as_of.isoformat() if self.as_of else None, "swap": self.swap,
                "progress": self.progress or None, **self.result}


def rebuild_schema(read_schema: str) -> str:
    """Where a replay of `read_schema` is built before a swap."""
    return f"{read_schema}_rebuild"


def admin_router() -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["operations"], dependencies=[requires("admin")])

    @router.post("/replay", status_code=202, summary="Rebuild projections from offset zero",
                 response_model=ReplayState)
    async def start_replay(body: ReplayRequest, request: Request) -> dict[str, Any]:
        runtime: Runtime = request.app.state.runtime
        if body.swap and body.as_of is not None:
            raise HTTPException(422, detail="swap and as_of together: an as-of rebuild is not live")
        current: ReplayJob | None = getattr(request.app.state, "replay_job", None)
        if current is not None and current.state == "running":
            raise HTTPException(409, detail="a replay is already running")
        job = ReplayJob(rebuild_schema(runtime.settings.read_schema), body.as_of, body.swap)
        job.task = asyncio.create_task(_run(runtime, job, body.resume))
        request.app.state.replay_job = job
        return job.view()

    @router.get("/replay", summary="State of the last replay", response_model=ReplayState)
    async def replay_state(request: Request) -> dict[str, Any]:
        job: ReplayJob | None = getattr(request.app.state, "replay_job", None)
        if job is None:
            raise HTTPException(404, detail="no replay started")
        return job.view()

    return router


async def _run(runtime: Runtime, job: ReplayJob, resume: bool) -> None:
    s = runtime.settings
    assert runtime.pool is not None

    def on_progress(p: Progress) -> None:
        job.progress = {"done": p.done, "total": p.total, "events_per_s": round(p.rate, 1),
                        "eta_s": round(p.eta_s, 1) if p.eta_s is not None else None}

    try:
        stats = await rebuild(
            pool=runtime.pool, bootstrap=s.kafka_bootstrap,
            projections=runtime.replay_projections, topics=s.topics,
            target_schema=job.target_schema, as_of=job.as_of, resume=resume,
            on_progress=on_progress,
        )
        job.result = {"applied": stats.applied, "skipped_after_as_of": stats.skipped_after_as_of,
                      "dead_lettered": stats.dead_lettered}
        if job.swap:
            job.result["retired_schema"] = await swap(runtime.pool, s.read_schema, job.target_schema)
        job.state = "done"
    except Exception as exc:
        job.state, job.result = "failed", {"error": repr(exc)}
        log.error("admin.replay_failed", error=repr(exc))
    log.info("admin.replay_finished", outcome=job.state, target=job.target_schema)
