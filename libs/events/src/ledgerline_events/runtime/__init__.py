"""The generic event-sourcing runtime shared by every service (no business rules here)."""

from .admin import admin_router, rebuild_schema
from .auth import (
    ApprovalLimit,
    AuthNotConfigured,
    Caller,
    CurrentCaller,
    IdempotencyKey,
    OptionalIdempotencyKey,
    mint_token,
    requires,
    token_from_environment,
)
from .commands import Origin, RetryPolicy, retried, run_command
from .consumer import ConsumerRunner
from .event_store import (
    ConcurrencyConflict,
    EventStore,
    IdempotencyKeyReused,
    StreamAppend,
    UnitOfWork,
)
from .host import Runtime, create_service_app
from .idempotency import Claims, answer_keys, claim_keys
from .observability import configure_logging
from .postgres import create_pool, ident, set_search_path, unnest_columns
from .projection import BatchApplier, BatchStats, Projection, Record, RejectedEvent
from .rebuild import Progress, RebuildRunning, rebuild, swap
from .relay import OutboxRelay
from .requests import Latest, Now, origin_of
from .settings import ServiceSettings

__all__ = [
    "ApprovalLimit",
    "AuthNotConfigured",
    "BatchApplier",
    "BatchStats",
    "Caller",
    "Claims",
    "ConcurrencyConflict",
    "ConsumerRunner",
    "CurrentCaller",
    "EventStore",
    "IdempotencyKey",
    "IdempotencyKeyReused",
    "Latest",
    "Now",
    "OptionalIdempotencyKey",
    "Origin",
    "OutboxRelay",
    "Progress",
    "Projection",
    "RebuildRunning",
    "Record",
    "RejectedEvent",
    "RetryPolicy",
    "Runtime",
    "ServiceSettings",
    "StreamAppend",
    "UnitOfWork",
    "admin_router",
    "answer_keys",
    "claim_keys",
    "configure_logging",
    "create_pool",
    "create_service_app",
    "ident",
    "mint_token",
    "origin_of",
    "rebuild",
    "rebuild_schema",
    "requires",
    "retried",
    "run_command",
    "set_search_path",
    "swap",
    "token_from_environment",
    "unnest_columns",
]
