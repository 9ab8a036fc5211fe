"""Cash application's own write tables beside the event store, as versioned migrations
(runtime/migrations.py): a change of shape is a new entry, never an edit of an old one."""

from __future__ import annotations

import asyncpg

from ledgerline_events.runtime.keyring import keyring_migration
from ledgerline_events.runtime.migrations import Migration

from .open_items import PayerAccounts


async def _payer_accounts(conn: asyncpg.Connection, schema: str) -> None:
    await PayerAccounts(conn, schema).install()


WRITE_MIGRATIONS = (Migration("cash-application", 1, "payer accounts", _payer_accounts),
                    keyring_migration("cash-application", 2))
