"""Refusals of the invoicing rules as HTTP answers: 422 bad input, 409 state conflict, 404."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ledgerline_invoicing.domain.errors import (
    InvalidInvoiceInput,
    InvoiceNotFound,
    InvoiceStateConflict,
)


def _location(field: str) -> list[str | int]:
    """'lines[1].quantity' -> ['body', 'lines', 1, 'quantity'] (FastAPI's own shape)."""
    location: list[str | int] = ["body"]
    for part in field.replace("]", "").split("."):
        name, _, index = part.partition("[")
        location.append(name)
        if index:
            location.append(int(index))
    return location


def add_invoicing_error_answers(app: FastAPI) -> None:
    @app.exception_handler(InvalidInvoiceInput)
    async def invalid(_: Request, exc: InvalidInvoiceInput) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": _location(exc.field), "msg": exc.rule, "type": "invoicing_rule"}],
             "field": exc.field, "rule": exc.rule},
            status_code=422,
        )

    @app.exception_handler(InvoiceStateConflict)
    async def conflict(_: Request, exc: InvoiceStateConflict) -> JSONResponse:
        return JSONResponse(
            {"detail": f"{exc.field}: {exc.rule}", "field": exc.field, "rule": exc.rule},
            status_code=409,
        )

    @app.exception_handler(InvoiceNotFound)
    async def not_found(_: Request, exc: InvoiceNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)
