"""The app factory: `uvicorn --factory ledgerline_cash.api.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from ..bootstrap import build_app


def create_app() -> FastAPI:
    return build_app()
