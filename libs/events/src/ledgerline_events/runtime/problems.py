"""One answer body for every 4xx and 5xx of every service (`Problem`), and the handlers the
host installs so that refusals, validation errors, unknown routes, authentication, conflicts
and database trouble all answer in it. No service installs error handlers of its own."""

from __future__ import annotations

import json
import math
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ledgerline_events.contract.refusals import Refusal
from ledgerline_events.contract.values import ValueRefused

from .auth import AccessRefused
from .event_store import ConcurrencyConflict, IdempotencyKeyReused
from .projection import TRANSIENT_DB_ERRORS

log = structlog.get_logger("ledgerline.problems")


class SafeJSONResponse(JSONResponse):
    """JSON that renders whatever a refusal quotes: non-finite numbers become strings and
    non-ASCII is escaped (an unpaired surrogate cannot be encoded as UTF-8)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(_finite(content), ensure_ascii=True, allow_nan=False,
                          default=str, separators=(",", ":")).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: body/path/query/header, then the path")
    msg: str
    type: str


class Problem(BaseModel):
    """Why a request was refused or failed."""

    detail: str = Field(description="What went wrong, in words")
    rule: str = Field(description="A stable code for the rule broken, e.g. amount_not_positive")
    field: str | None = Field(description="The input at fault as a dotted path, or null")
    errors: list[FieldError] = Field(description="Each input at fault (validation lists all)")
    location: str | None = Field(None, description="Inside an uploaded file: where the fault is")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text} for status, text in (
        (401, "Not signed in"), (403, "Not permitted"), (404, "Not found"),
        (409, "Conflicts with the current state"), (422, "Refused input"),
        (503, "Temporarily unavailable; retry")
    )
}

HTTP_RULES = {404: "not_found", 405: "method_not_allowed", 409: "state_conflict",
              413: "too_large", 415: "unsupported_media_type", 422: "invalid_request"}


def location(field: str | None, where: str = "body") -> list[str | int]:
    """'lines[1].quantity' -> ['body', 'lines', 1, 'quantity'] (FastAPI's own shape)."""
    loc: list[str | int] = [where]
    for part in (field or "").replace("]", "").split("."):
        name, _, index = part.partition("[")
        if name:
            loc.append(name)
        if index:
            loc.append(int(index))
    return loc


def problem(status: int, rule: str, detail: str, field: str | None = None, *,
            errors: list[dict[str, Any]] | None = None, where: str = "body",
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    if errors is None:
        errors = [{"loc": location(field, where), "msg": detail, "type": rule}] if field else []
    body = {"detail": detail, "rule": rule, "field": field, "errors": errors, "location": None,
            **extra}
    return SafeJSONResponse(body, status_code=status, headers=headers)


def add_problem_answers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refused(_: Request, exc: Refusal) -> JSONResponse:
        return problem(exc.status, exc.rule, exc.message, exc.field, where=exc.where,
                       location=exc.location)

    @app.exception_handler(ValueRefused)
    async def outside_policy(_: Request, exc: ValueRefused) -> JSONResponse:
        return problem(422, exc.rule, exc.detail, exc.field, where=exc.where)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_error(e) for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "type": "invalid", "msg": "invalid request"}
        field = _field(first["loc"])
        detail = f"{field}: {first['msg']}" if field else str(first["msg"])
        return problem(422, str(first["type"]), detail, field or None, errors=errors)

    @app.exception_handler(HTTPException)
    async def http(_: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, HTTP_RULES.get(exc.status_code, "http_error"),
                       str(exc.detail), headers=dict(exc.headers or {}) or None)

    @app.exception_handler(AccessRefused)
    async def access(_: Request, exc: AccessRefused) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.rule, exc.detail, headers=headers)

    @app.exception_handler(ConcurrencyConflict)
    async def conflict(_: Request, exc: ConcurrencyConflict) -> JSONResponse:
        return problem(409, "concurrent_change", str(exc))

    @app.exception_handler(IdempotencyKeyReused)
    async def key_reused(_: Request, exc: IdempotencyKeyReused) -> JSONResponse:
        return problem(422, "idempotency_key_reused", str(exc), "Idempotency-Key", where="header")

    @app.exception_handler(asyncpg.DataError)
    async def unstorable(_: Request, exc: asyncpg.DataError) -> JSONResponse:
        # SQLSTATE class 22: a value PostgreSQL cannot store or compare (a NUL character in
        # text, a number out of range): bad input, not a server fault.
        return problem(422, "invalid_value", f"a value cannot be stored: {exc}")

    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        # The database is restarting or out of reach: nothing was committed, so the client
        # may retry the same request with the same Idempotency-Key.
        log.warning("request.database_unavailable", error=repr(exc))
        return problem(503, "temporarily_unavailable", "the database is unavailable; retry shortly",
                       headers={"Retry-After": "1"})

    for transient in TRANSIENT_DB_ERRORS:
        app.add_exception_handler(transient, unavailable)

    @app.exception_handler(Exception)
    async def unforeseen(request: Request, exc: Exception) -> JSONResponse:
        log.error("request.unhandled", path=request.url.path, error=repr(exc), exc_info=exc)
        return problem(500, "internal_error", "internal error; it has been logged")


def _error(error: Any) -> dict[str, Any]:
    kept = {k: error[k] for k in ("loc", "msg", "type", "input") if k in error}
    if "ctx" in error:
        kept["ctx"] = {k: str(v) for k, v in error["ctx"].items()}
    return kept


def _field(loc: Any) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
