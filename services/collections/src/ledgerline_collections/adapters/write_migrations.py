"""Collections' own write tables beside the event store, as versioned migrations
(runtime/migrations.py): a change of shape is a new entry, never an edit of an old one."""

from __future__ import annotations

import asyncpg

from ledgerline_events.runtime import ident
from ledgerline_events.runtime.keyring import keyring_migration
from ledgerline_events.runtime.migrations import Migration

from ..application.write_off_index import install_write_off_index
from .letter_queue import LETTER_QUEUE_MIGRATION


async def _write_off_index(conn: asyncpg.Connection, schema: str) -> None:
    await install_write_off_index(conn, ident(schema))


WRITE_MIGRATIONS = (
    Migration("collections", 1, "write-off index", _write_off_index),
    keyring_migration("collections", 2),  # sealed contacts (customer master)
    LETTER_QUEUE_MIGRATION,
)
