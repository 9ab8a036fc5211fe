"""Why a service refuses a request, in one shape for all four: a stable `rule` code, a
`message` a finance user can act on, and the `field` at fault (a dotted path, `lines[1].price`;
None when the request as a whole is refused). The class says the HTTP status. Domain modules
raise these (or their own subclasses); the host turns every one into the same answer body."""

from __future__ import annotations

from typing import ClassVar


class Refusal(Exception):
    status: ClassVar[int] = 422
    where: str = "body"  # the part of the request `field` names: body, path, query or header
    location: str | None = None  # inside an uploaded file, where the fault is

    def __init__(self, rule: str, message: str, field: str | None = None, *,
                 where: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field
        if where is not None:
            self.where = where


class InvalidRequest(Refusal):
    """The request itself is wrong whatever the state (HTTP 422)."""


class StateConflict(Refusal):
    """The request is well formed but the current state forbids it (HTTP 409)."""

    status = 409


class NotFound(Refusal):
    """What the request names does not exist (HTTP 404)."""

    status = 404


class NotPermitted(Refusal):
    """The caller may not do this, e.g. above their approval limit (HTTP 403)."""

    status = 403
