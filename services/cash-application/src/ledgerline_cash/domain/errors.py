"""Why a cash-application command is refused."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a business rule. `rule` is a stable code; `field` the input at fault."""

    status = 422

    def __init__(self, rule: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class InvalidCommand(DomainError):
    """The request itself is wrong (HTTP 422)."""


class StateConflict(DomainError):
    """The request is fine but the payment or invoice is not in a state that allows it (409)."""

    status = 409


class NotFound(DomainError):
    """The payment (or allocation) named in the request does not exist (404)."""

    status = 404
