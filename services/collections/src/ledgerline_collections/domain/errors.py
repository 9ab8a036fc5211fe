"""Why a collections command was refused, in terms a collector (and the API) can act on."""

from __future__ import annotations


class CollectionsRefusal(Exception):
    """A command the business rules refuse; `field` names the input, `rule` the broken rule."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


class InvalidCommand(CollectionsRefusal):
    """The request itself is wrong whatever the state (HTTP 422)."""


class StateConflict(CollectionsRefusal):
    """The request is well formed but the current state forbids it (HTTP 409)."""


class NotAuthorised(CollectionsRefusal):
    """The person asking may not approve this (HTTP 403), e.g. above their approval limit."""


class UnknownSubject(CollectionsRefusal):
    """The dispute, promise or write-off named does not exist (HTTP 404)."""
