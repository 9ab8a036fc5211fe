"""Domain refusals as HTTP answers: 422 (bad request), 409 (state conflict), 404 (unknown),
always naming the field and the rule."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..domain.errors import (
    CollectionsRefusal,
    InvalidCommand,
    NotAuthorised,
    StateConflict,
    UnknownSubject,
)


def status_of(refusal: CollectionsRefusal) -> int:
    if isinstance(refusal, StateConflict):
        return 409
    if isinstance(refusal, UnknownSubject):
        return 404
    if isinstance(refusal, NotAuthorised):
        return 403
    assert isinstance(refusal, InvalidCommand)
    return 422


def add_collections_error_answers(app: FastAPI) -> None:
    @app.exception_handler(CollectionsRefusal)
    async def refused(_: Request, exc: CollectionsRefusal) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.message, "field": exc.field, "rule": exc.rule},
            status_code=status_of(exc),
        )
