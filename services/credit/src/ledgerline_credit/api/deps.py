"""FastAPI dependencies: the wired service and the headers every write takes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ledgerline_credit.bootstrap import CreditService
from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import OptionalIdempotencyKey as OptionalIdempotencyKey


def credit_service(request: Request) -> CreditService:
    service: CreditService = request.app.state.credit
    return service


Service = Annotated[CreditService, Depends(credit_service)]
