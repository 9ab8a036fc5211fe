"""The credit service's app: `uvicorn --factory ledgerline_credit.api.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from ledgerline_credit.bootstrap import Clock, CreditService, build
from ledgerline_credit.config import CreditSettings
from ledgerline_events.runtime import create_service_app

from . import commands, views


def create_app(settings: CreditSettings | None = None, clock: Clock | None = None) -> FastAPI:
    service: CreditService = build(settings, clock) if clock else build(settings)
    app = create_service_app(
        service.runtime, [commands.router, views.router], title="ledgerline credit",
        description="Credit limits, exposure, credit checks and holds.",
    )
    app.state.credit = service
    return app
