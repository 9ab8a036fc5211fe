"""The service apps as their processes build them, with nothing started (no broker or
database is reached): for tests that read the routes and the OpenAPI they declare."""

from __future__ import annotations

import importlib
from functools import cache

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from ledgerline_ops.in_process import APPS, environment, service_environment


@cache
def app_of(service: str) -> FastAPI:
    env = {**service_environment("127.0.0.1:1", "postgresql://nobody@127.0.0.1:1/none", "t_api"),
           "LEDGERLINE_AUTH_JWT_SECRET": "only-to-build-the-app"}
    with environment(env):
        app: FastAPI = importlib.import_module(APPS[service]).create_app()
    return app


def route_of(service: str, method: str, path: str) -> APIRoute:
    """The route answering `method path` (the path as declared, prefixes included)."""
    for context in iter_route_contexts(app_of(service).routes):
        if context.path == path and method in (context.methods or ()):
            assert isinstance(context.route, APIRoute), f"{method} {path} is not an API route"
            return context.route
    raise LookupError(f"{service} has no route {method} {path}")
