"""Upcasters: pure functions turning a payload of version N into version N+1.

Keyed by (event type, version they read). History is never rewritten; readers upcast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]


def payment_received_v1_to_v2(payload: Payload) -> Payload:
    """v1 carried the amount flat (`amount`, `currency`); v2 carries a Money object."""
    upgraded = {k: v for k, v in payload.items() if k != "currency"}
    upgraded["amount"] = {"amount": payload["amount"], "currency": payload["currency"]}
    return upgraded


UPCASTERS: dict[tuple[str, int], Callable[[Payload], Payload]] = {
    ("cash-application.PaymentReceived", 1): payment_received_v1_to_v2,
}
