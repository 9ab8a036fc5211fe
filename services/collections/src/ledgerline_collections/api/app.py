"""The app factory: ``uvicorn --factory ledgerline_collections.api.app:create_app --port 8104``."""

from __future__ import annotations

from fastapi import FastAPI

from ..bootstrap import build_app
from ..config import CollectionsSettings


def create_app(settings: CollectionsSettings | None = None) -> FastAPI:
    return build_app(settings)
