"""The credit service's own events in the read model: limits with history, holds and the
decisions given, for the customer credit view."""

from __future__ import annotations

import asyncpg
import orjson

from ledgerline_credit.domain.account import customer_of_account
from ledgerline_events.contract import Envelope
from ledgerline_events.contract.credit import (
    CreditCheckDecided,
    CreditHoldPlaced,
    CreditHoldReleased,
    CreditLimitSet,
)


async def record(conn: asyncpg.Connection, envelope: Envelope) -> str | None:
    """Store one of our own events; returns the customer it concerns."""
    p = envelope.payload
    customer = envelope.customer_id or customer_of_account(envelope.aggregate_id)
    match p:
        case CreditLimitSet():
            await _limit(conn, envelope, p, customer)
        case CreditHoldPlaced():
            await conn.execute(
                "INSERT INTO credit_hold (customer_id, hold_id, reason, detail, placed_by, "
                "placed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, hold_id) "
                "DO UPDATE SET reason = EXCLUDED.reason, detail = EXCLUDED.detail, "
                "placed_by = EXCLUDED.placed_by, placed_at = EXCLUDED.placed_at",
                customer, p.hold_id, p.reason.value, p.detail, p.placed_by, envelope.occurred_at)
        case CreditHoldReleased():
            await conn.execute(
                "INSERT INTO credit_hold (customer_id, hold_id, released, released_by, "
                "release_reason, released_at) VALUES ($1, $2, true, $3, $4, $5) "
                "ON CONFLICT (customer_id, hold_id) DO UPDATE SET released = true, "
                "released_by = EXCLUDED.released_by, release_reason = EXCLUDED.release_reason, "
                "released_at = EXCLUDED.released_at",
                customer, p.hold_id, p.released_by, p.reason, envelope.occurred_at)
        case CreditCheckDecided():
            await _decision(conn, envelope, p, customer)
        case _:
            return None
    return customer


async def _limit(conn: asyncpg.Connection, envelope: Envelope, p: CreditLimitSet,
                 customer: str) -> None:
    await conn.execute(
        "INSERT INTO credit_limit_history (event_id, customer_id, version, currency, amount, "
        "set_by, reason, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT DO NOTHING",
        envelope.event_id, customer, envelope.aggregate_version, p.limit.currency,
        p.limit.amount, p.set_by, p.reason, envelope.occurred_at)
    await conn.execute(
        "INSERT INTO credit_limit (customer_id, currency, amount, version) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, currency) DO UPDATE "
        "SET amount = EXCLUDED.amount, version = EXCLUDED.version "
        "WHERE credit_limit.version < EXCLUDED.version",
        customer, p.limit.currency, p.limit.amount, envelope.aggregate_version)


async def _decision(conn: asyncpg.Connection, envelope: Envelope, p: CreditCheckDecided,
                    customer: str) -> None:
    await conn.execute(
        "INSERT INTO credit_decision (check_id, customer_id, order_ref, currency, order_amount, "
        "decision, reasons, exposure, credit_limit, risk_score, decided_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11) "
        "ON CONFLICT DO NOTHING",
        p.check_id, customer, p.order_ref, p.order_amount.currency, p.order_amount.amount,
        p.decision.value, _json_list(p.reasons), p.exposure.amount,
        p.limit.amount if p.limit else None, p.risk_score, envelope.occurred_at)


def _json_list(values: list[str]) -> str:
    return orjson.dumps(values).decode()
