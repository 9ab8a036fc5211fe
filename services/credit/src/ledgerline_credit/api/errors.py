"""Domain refusals as HTTP answers: 422 names the field and the rule, 409 the conflict."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ledgerline_credit.domain.errors import (
    HoldNotFound,
    InvalidCommand,
    StateConflict,
)


def unprocessable(field: str, rule: str, message: str, where: str = "body") -> JSONResponse:
    """FastAPI's shape (`detail[].loc/msg/type`) plus the project's `field` and `rule`."""
    loc = [where, *field.split(".")]
    return JSONResponse({"detail": [{"loc": loc, "msg": message, "type": rule}],
                         "field": field, "rule": rule}, status_code=422)


def add_error_mapping(app: FastAPI) -> None:
    @app.exception_handler(InvalidCommand)
    async def invalid(_: Request, exc: InvalidCommand) -> JSONResponse:
        where = "path" if exc.field in ("currency", "customer_id", "hold_id") else "body"
        return unprocessable(exc.field, exc.rule, str(exc), where)

    @app.exception_handler(StateConflict)
    async def conflict(_: Request, exc: StateConflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "rule": "state_conflict"}, status_code=409)

    @app.exception_handler(HoldNotFound)
    async def not_found(_: Request, exc: HoldNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)
