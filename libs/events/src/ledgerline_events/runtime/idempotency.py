"""Idempotency keys claimed many at once: a statement file's entries are each their own
command (a key per entry), decided together in the file's transaction. The rules are those of
one command's: a new key is ours; a key seen before with the same fingerprint answers
its first result; with another fingerprint it was used for another request. A single
command's key (`UnitOfWork`) is claimed the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import asyncpg
import orjson

if TYPE_CHECKING:
    from .event_store import EventStore


@dataclass
class Claims:
    new: set[str] = field(default_factory=set)
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)


async def claim_keys(store: EventStore, conn: asyncpg.Connection,
                     fingerprints: Mapping[str, str]) -> Claims:
    """Claim every key (sorted: two files claiming the same keys wait, never deadlock)."""
    s, keys = store._s, sorted(fingerprints)
    claimed = await conn.fetch(
        f"INSERT INTO {s}.idempotency_key (key, fingerprint) "
        "SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING key",
        keys, [fingerprints[k] for k in keys],
    )
    claims = Claims(new={r["key"] for r in claimed})
    seen = [k for k in keys if k not in claims.new]
    rows = await conn.fetch(f"SELECT key, fingerprint, result FROM {s}.idempotency_key "
                            "WHERE key = ANY($1::text[])", seen) if seen else []
    for row in rows:
        if row["fingerprint"] != fingerprints[row["key"]]:
            claims.reused.append(row["key"])
        else:
            result = row["result"]
            claims.answered[row["key"]] = (orjson.loads(result) if isinstance(result, str)
                                           else result or {})
    return claims


async def answer_keys(store: EventStore, conn: asyncpg.Connection,
                      results: Mapping[str, dict[str, Any]]) -> None:
    """The answer each claimed key gives when its request comes again."""
    await conn.execute(
        f"UPDATE {store._s}.idempotency_key k SET result = v.result::jsonb "
        "FROM unnest($1::text[], $2::text[]) v(key, result) WHERE k.key = v.key",
        list(results), [orjson.dumps(r, default=str).decode() for r in results.values()],
    )
