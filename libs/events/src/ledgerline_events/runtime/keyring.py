"""The keys that open a service's sealed personal data (contract/personal_data.py), one per
subject (a customer), in the service's write schema, never in the log. Erasing a subject's key
keeps the row (when, so nobody makes a new one by mistake) and drops the key itself: what was
sealed with it cannot be read again, by anyone, from any copy of the log."""

from __future__ import annotations

import asyncpg

from ledgerline_events.contract.personal_data import new_key

from .migrations import Migration
from .postgres import ident


class SubjectErased(Exception):
    """Nothing new is sealed for a subject whose personal data was erased."""


class Keyring:
    def __init__(self, write_schema: str) -> None:
        self._table = f"{ident(write_schema)}.personal_data_key"

    async def key(self, conn: asyncpg.Connection, subject: str) -> bytes | None:
        """The subject's key; None if it has none or it was erased."""
        key: bytes | None = await conn.fetchval(
            f"SELECT key FROM {self._table} WHERE subject = $1", subject)
        return key

    async def keys(self, conn: asyncpg.Connection, subjects: list[str]) -> dict[str, bytes]:
        rows = await conn.fetch(f"SELECT subject, key FROM {self._table} "
                                "WHERE subject = ANY($1::text[]) AND key IS NOT NULL", subjects)
        return {r["subject"]: r["key"] for r in rows}

    async def key_to_seal(self, conn: asyncpg.Connection, subject: str) -> bytes:
        """The subject's key, made on first use (in the caller's transaction)."""
        return (await self.keys_to_seal(conn, [subject]))[subject]

    async def keys_to_seal(self, conn: asyncpg.Connection, subjects: list[str]
                           ) -> dict[str, bytes]:
        """Each subject's key, made on first use (in the caller's transaction)."""
        await conn.execute(f"INSERT INTO {self._table} (subject, key) "
                           "SELECT * FROM unnest($1::text[], $2::bytea[]) "
                           "ON CONFLICT (subject) DO NOTHING",
                           subjects, [new_key() for _ in subjects])
        keys = await self.keys(conn, subjects)
        erased = [s for s in subjects if s not in keys]
        if erased:
            raise SubjectErased(f"the personal data of {erased[0]} was erased")
        return keys

    async def erase_all(self, conn: asyncpg.Connection, subjects: list[str]) -> int:
        """Erase the keys of those subjects that have one; how many were erased."""
        erased = await conn.fetch(
            f"UPDATE {self._table} SET key = NULL, erased_at = now() "
            "WHERE subject = ANY($1::text[]) AND key IS NOT NULL RETURNING subject", subjects)
        return len(erased)

    async def erase(self, conn: asyncpg.Connection, subject: str) -> None:
        await conn.execute(
            f"INSERT INTO {self._table} (subject, key, erased_at) VALUES ($1, NULL, now()) "
            "ON CONFLICT (subject) DO UPDATE SET key = NULL, erased_at = now()", subject)


async def _install(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute(f"""
        CREATE TABLE IF NOT EXISTS {ident(schema)}.personal_data_key (
            subject text PRIMARY KEY, key bytea, erased_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK ((key IS NULL) = (erased_at IS NOT NULL)))""")


def keyring_migration(owner: str, version: int) -> Migration:
    """The keyring's table as one of `owner`'s write migrations."""
    return Migration(owner, version, "personal data keys", _install)
