"""What can go wrong with a credit command, in terms the API maps to status codes."""

from __future__ import annotations


class CreditError(Exception):
    """A command the business refuses; the message says why in plain words."""


class InvalidCommand(CreditError):
    """The command itself is malformed for the business (HTTP 422): names field and rule."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule


class StateConflict(CreditError):
    """The command does not fit the account's current state (HTTP 409)."""


class HoldNotFound(CreditError):
    """No hold with this id on the customer's account (HTTP 404)."""

