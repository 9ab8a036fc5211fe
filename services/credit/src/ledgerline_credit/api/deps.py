"""FastAPI dependencies: the wired service and the headers every write takes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from ledgerline_credit.bootstrap import CreditService


def credit_service(request: Request) -> CreditService:
    service: CreditService = request.app.state.credit
    return service


Service = Annotated[CreditService, Depends(credit_service)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)]
OptionalIdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
]
