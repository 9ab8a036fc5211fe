"""The app factory: ``uvicorn --factory ledgerline_credit.api.app:create_app --port 8101``."""

from __future__ import annotations

from fastapi import FastAPI

from ledgerline_credit.bootstrap import build_app
from ledgerline_credit.config import CreditSettings


def create_app(settings: CreditSettings | None = None) -> FastAPI:
    return build_app(settings)
