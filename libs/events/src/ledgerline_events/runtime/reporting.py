"""The reporting schema a BI tool reads (Power BI, Metabase, Grafana, a spreadsheet): per
service, `<service>_reporting_v1`, stable views over its projections, readable by the read-only
role `ledgerline_reporting` (deploy/local/postgres.sh creates it) and by nothing it could write.

A view binds to the tables it reads when it is created, and a rebuild swaps the read schema
for a new one: so each view's SQL is kept in the schema (`view_definition`) and the views are
made again on every start and in every swap's transaction (`refresh_reporting`). A change that
drops or retypes a column is a new version (`_reporting_v2`), beside the old one for a while."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from .postgres import ident

REPORTING_VERSION = 1
REPORTING_ROLE = "ledgerline_reporting"


@dataclass(frozen=True)
class ReportingView:
    name: str
    description: str  # the view's COMMENT: what a row is, in the business's words
    sql: str  # a SELECT over the read schema's tables, unqualified


def reporting_schema(read_schema: str) -> str:
    return f"{read_schema.removesuffix('_read')}_reporting_v{REPORTING_VERSION}"


async def install_reporting(conn: asyncpg.Connection, read_schema: str,
                            views: Sequence[ReportingView]) -> None:
    """The service's views, as its code defines them now (at start, after its read schema)."""
    schema = ident(reporting_schema(read_schema))
    async with conn.transaction():
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.view_definition (name text PRIMARY KEY, "
            "description text NOT NULL, sql text NOT NULL)")
        await conn.execute(f"DELETE FROM {schema}.view_definition")
        await conn.executemany(
            f"INSERT INTO {schema}.view_definition (name, description, sql) VALUES ($1, $2, $3)",
            [(v.name, v.description, v.sql) for v in views])
        await refresh_reporting(conn, read_schema)


async def refresh_reporting(conn: asyncpg.Connection, read_schema: str) -> None:
    """Make the views again over the live read schema (inside the caller's transaction: a swap's
    or the install's), and grant them to the reporting role when it exists."""
    schema = ident(reporting_schema(read_schema))
    if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL",
                               f"{reporting_schema(read_schema)}.view_definition"):
        return  # the service defines no reporting views (or has not started yet)
    await conn.execute(f"SET LOCAL search_path TO {ident(read_schema)}")
    for view in await conn.fetch(f"SELECT name, description, sql FROM {schema}.view_definition "
                                 "ORDER BY name"):
        name = f"{schema}.{ident(view['name'])}"
        await conn.execute(f"CREATE OR REPLACE VIEW {name} AS {view['sql']}")
        await conn.execute(f"COMMENT ON VIEW {name} IS {_literal(view['description'])}")
    await conn.execute("RESET search_path")
    if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", REPORTING_ROLE):
        role = ident(REPORTING_ROLE)
        await conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        await conn.execute(f"REVOKE ALL ON {schema}.view_definition FROM {role}")
        for view in await conn.fetch(f"SELECT name FROM {schema}.view_definition"):
            await conn.execute(f"GRANT SELECT ON {schema}.{ident(view['name'])} TO {role}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
