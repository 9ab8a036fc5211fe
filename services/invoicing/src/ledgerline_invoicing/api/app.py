"""The app factory: ``uvicorn --factory ledgerline_invoicing.api.app:create_app --port 8102``."""

from __future__ import annotations

from fastapi import FastAPI

from ledgerline_invoicing.bootstrap import build_app
from ledgerline_invoicing.config import InvoicingSettings


def create_app(settings: InvoicingSettings | None = None) -> FastAPI:
    return build_app(settings)
