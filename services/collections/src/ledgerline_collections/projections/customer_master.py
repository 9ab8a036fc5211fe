"""The customer master as the read API shows it: details, and contacts with their personal
fields still sealed (opened at read time with the customer's key, so an erased customer's
contacts cannot be read from this table, a rebuild of it, or a copy)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.customer_master import (
    ContactRemoved,
    ContactSaved,
    CustomerDetailsRecorded,
    PersonalDataErased,
)


class CustomerMasterProjection:
    name = "customer_master"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute("""
            CREATE TABLE IF NOT EXISTS customer_master (
                customer_id text PRIMARY KEY, details jsonb, erased_at timestamptz,
                updated_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS customer_contact (
                customer_id text NOT NULL, contact_id text NOT NULL, role text NOT NULL,
                name jsonb NOT NULL, email jsonb, phone jsonb, working_hours text NOT NULL,
                preferred_channel text NOT NULL, updated_at timestamptz NOT NULL,
                PRIMARY KEY (customer_id, contact_id));
        """)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            await _apply_one(conn, envelope)


async def _apply_one(conn: asyncpg.Connection, envelope: Envelope) -> None:
    customer, at = envelope.customer_id or "", envelope.occurred_at
    match envelope.payload:
        case CustomerDetailsRecorded() as e:
            await conn.execute(
                "INSERT INTO customer_master (customer_id, details, updated_at) "
                "VALUES ($1, $2::text::jsonb, $3) ON CONFLICT (customer_id) DO UPDATE "
                "SET details = excluded.details, updated_at = excluded.updated_at",
                customer, e.details.model_dump_json(), at)
        case ContactSaved() as e:
            await conn.execute(
                "INSERT INTO customer_contact VALUES ($1, $2, $3, $4::text::jsonb, "
                "$5::text::jsonb, $6::text::jsonb, $7, $8, $9) "
                "ON CONFLICT (customer_id, contact_id) DO UPDATE SET role = $3, name = $4::text::jsonb, "
                "email = $5::text::jsonb, phone = $6::text::jsonb, working_hours = $7, "
                "preferred_channel = $8, updated_at = $9",
                customer, e.contact_id, e.role.value, e.name.model_dump_json(),
                e.email.model_dump_json() if e.email else None,
                e.phone.model_dump_json() if e.phone else None,
                e.working_hours, e.preferred_channel.value, at)
        case ContactRemoved() as e:
            await conn.execute("DELETE FROM customer_contact WHERE customer_id = $1 "
                               "AND contact_id = $2", customer, e.contact_id)
        case PersonalDataErased():
            await conn.execute("DELETE FROM customer_contact WHERE customer_id = $1", customer)
            await conn.execute(
                "INSERT INTO customer_master (customer_id, erased_at, updated_at) "
                "VALUES ($1, $2, $2) ON CONFLICT (customer_id) DO UPDATE "
                "SET erased_at = $2, updated_at = $2", customer, at)
