"""The HTTP edge of every service: strict JSON, the value policy on every parsed input, and
one JSON refusal shape, so that no request can make a service answer a plain-text 500.

- A JSON body that only a lenient parser reads (`NaN`, `Infinity`, a lone surrogate) is 422
  `strict_json` before any route sees it.
- Every route's parsed inputs (body models, query, path and header values) pass the value
  policy (`contract/values.py`) before the route runs: 422 `Problem` (problems.py).
- Reports read business time the same way in every service: `AsOf` and `KnownAt`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from email.message import Message as MimeMessage
from typing import Annotated, Any

import orjson
import structlog
from fastapi import FastAPI, Query
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledgerline_events.contract.business_time import ReportInstant
from ledgerline_events.contract.values import ValueRefused, value_policy

from .problems import problem as answer

log = structlog.get_logger("ledgerline.edges")

AsOf = Annotated[ReportInstant | None, Query(
    description="business instant, or a date (its end): the figures as of then (default: now)")]
KnownAt = Annotated[ReportInstant | None, Query(
    description="recorded instant, or a date (its end): only what was known then (default: now)")]


class StrictJson:
    """Refuses JSON bodies a strict parser refuses but Python's lenient one would accept.
    Bodies above `limit` pass untouched: the route's own size limit answers them 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _json_body(scope):
            await self.app(scope, receive, send)
            return
        messages, body, complete = await _buffer(receive, self.limit)
        if complete and (problem := _not_strict(body)):
            rule = "unpaired_surrogate" if "surrogate" in problem else "strict_json"
            await answer(422, rule, f"the body is not strict JSON: {problem}", "body")(
                scope, receive, send)
            return
        pending = iter(messages)

        async def replay() -> Message:
            message = next(pending, None)
            return message if message is not None else await receive()

        await self.app(scope, replay, send)


def _json_body(scope: Scope) -> bool:
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), None)
    if content_type is None:
        return False
    mime = MimeMessage()
    mime["content-type"] = content_type.decode("latin-1")
    subtype = mime.get_content_subtype()
    return mime.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json"))


async def _buffer(receive: Receive, limit: int) -> tuple[list[Message], bytes, bool]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, b"", False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
    return messages, b"".join(chunks), not more and size <= limit


def _not_strict(body: bytes) -> str | None:
    if not body.strip():
        return None
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as strict:
        try:
            json.loads(body)
        except (ValueError, RecursionError):
            return None  # not JSON at all: FastAPI's own answer names where
        return str(strict)
    return None


def check_route_inputs(app: FastAPI) -> None:
    """Every route's request inputs pass the value policy before the route runs. The call
    is wrapped in each route's effective context (the dependant its handler runs), so the
    routers' own routes, shared between apps, stay as they are."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if isinstance(dependant, Dependant) and dependant.call is not None:
            dependant.call = _checked(dependant)


def _checked(dependant: Dependant) -> Callable[..., Any]:
    call = dependant.call
    assert call is not None
    parts = {"path": dependant.path_params, "query": dependant.query_params,
             "header": dependant.header_params, "cookie": dependant.cookie_params}
    fields = {f.name: (f.alias, where) for where, params in parts.items() for f in params}
    bodies = {f.name for f in dependant.body_params}

    def check(values: dict[str, Any]) -> None:
        policy = value_policy()
        for name, value in values.items():
            if name in bodies:
                policy.check(value, "")
            elif name in fields:
                alias, where = fields[name]
                try:
                    policy.check(value, alias)
                except ValueRefused as refused:
                    refused.where = where
                    raise

    if inspect.iscoroutinefunction(call):
        async def checked_async(**values: Any) -> Any:
            check(values)
            return await call(**values)
        return checked_async

    def checked(**values: Any) -> Any:
        check(values)
        return call(**values)
    return checked
