"""The peer (issue 26): the ageing projection written on the `eventsourcing` library (9.5.6,
BSD-3-Clause, github.com/pyeventsourcing/eventsourcing) the way its documentation and its own
projection tests build one:

- an `Application` whose events its PostgreSQL recorder stores (PERSISTENCE_MODULE
  `eventsourcing.postgres`);
- a `Projection` whose `process_event` updates a materialised view, a
  `PostgresTrackingRecorder` subclass that writes the figure and the tracking record in one
  transaction per event;
- run by its `ProjectionRunner` (a subscription thread over the application's notification
  log).

It is fed the same seeded history as our replay (`bench/history.py`), stored first through the
library's own mapper and recorder (not timed, as our publishing is not), then timed from the
runner's start until the view has tracked the last event, or for at most `--seconds`: events
per second then. The view keeps each invoice's open amount and due date, as ours does.

    .venv/bin/python bench/peer_eventsourcing.py --events 100000 --customers 10000 --seconds 60
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid5

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
import psycopg
from eventsourcing.application import Application
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL, Identifier

from bench.history import generate

BATCH = 2_000


class InvoiceIssued(DomainEvent):
    customer_id: str
    invoice_id: str
    currency: str
    amount: Decimal
    due_date: str


class InvoiceSettled(DomainEvent):
    """An allocation, credit note or write-off (negative: an allocation reversed)."""

    invoice_id: str
    amount: Decimal


class Noted(DomainEvent):
    """A payment received, a reminder, a dispute: tracked, no figure of the ageing moves."""

    event_type: str


SETTLING = {"PaymentAllocated": 1, "CreditNoteIssued": 1, "DebtWrittenOff": 1,
            "AllocationReversed": -1}


class Receivables(Application[UUID]):
    name = "Receivables"


class AgeingView(TrackingRecorder):
    def issue(self, event: InvoiceIssued, tracking: Tracking) -> None:
        raise NotImplementedError

    def settle(self, event: InvoiceSettled, tracking: Tracking) -> None:
        raise NotImplementedError


class PostgresAgeingView(PostgresTrackingRecorder, AgeingView):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.table = Identifier(datastore.schema), Identifier("open_item")
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (invoice_id text PRIMARY KEY, customer_id text,"
            " currency text, due_date date, open_amount numeric NOT NULL)").format(*self.table))

    def issue(self, event: InvoiceIssued, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(SQL("INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s, %s)").format(*self.table),
                         (event.invoice_id, event.customer_id, event.currency, event.due_date,
                          event.amount), prepare=True)

    def settle(self, event: InvoiceSettled, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(SQL("UPDATE {0}.{1} SET open_amount = open_amount - %s "
                             "WHERE invoice_id = %s").format(*self.table),
                         (event.amount, event.invoice_id), prepare=True)


class AgeingProjection(Projection[AgeingView]):
    name = "ageing"

    @singledispatchmethod
    def process_event(self, _: DomainEvent, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, event: InvoiceIssued, tracking: Tracking) -> None:
        self.view.issue(event, tracking)

    @process_event.register
    def _(self, event: InvoiceSettled, tracking: Tracking) -> None:
        self.view.settle(event, tracking)


def peer_event(wire: bytes) -> DomainEvent:
    """Our wire message as the library's domain event."""
    m = orjson.loads(wire)
    kind, p = m["event_type"].split(".", 1)[1], m["payload"]
    origin = dict(originator_id=uuid5(NAMESPACE_URL, m["aggregate_id"]),
                  originator_version=m["aggregate_version"],
                  timestamp=DomainEvent.create_timestamp())
    if kind == "InvoiceIssued":
        gross = p["gross_total"]
        return InvoiceIssued(**origin, customer_id=m["customer_id"], invoice_id=p["invoice_id"],
                             currency=gross["currency"], amount=Decimal(gross["amount"]),
                             due_date=p["due_date"])
    if kind in SETTLING:
        return InvoiceSettled(**origin, invoice_id=p["invoice_id"],
                              amount=SETTLING[kind] * Decimal(p["amount"]["amount"]))
    return Noted(**origin, event_type=kind)


def environment(dsn: str, schema: str) -> dict[str, str]:
    url = urlsplit(dsn)
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": url.path[1:],
            "POSTGRES_HOST": url.hostname or "127.0.0.1", "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres", "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_SCHEMA": schema}


def store_history(env: dict[str, str], events: int, customers: int, seed: int, limit: int
                  ) -> int:
    """The history's first `limit` events in the library's event store, through its mapper;
    the last notification id."""
    app = Receivables(env=env)
    batch, last = [], 0
    for message in islice(generate(events, customers, seed), limit):
        batch.append(app.mapper.to_stored_event(peer_event(message.value)))
        if len(batch) == BATCH:
            last = max(app.recorder.insert_events(batch) or [last])
            batch = []
    if batch:
        last = max(app.recorder.insert_events(batch) or [last])
    app.close()
    return last


def project(env: dict[str, str], last: int, seconds: float) -> dict[str, Any]:
    started = time.perf_counter()
    with ProjectionRunner(application_class=Receivables, projection_class=AgeingProjection,
                          view_class=PostgresAgeingView, env=env) as runner:
        tracked = 0
        while tracked < last and time.perf_counter() - started < seconds:
            time.sleep(0.5)
            tracked = runner.view.max_tracking_id(runner.app.name) or 0
        took = time.perf_counter() - started
    return {"events": tracked, "seconds": round(took, 1), "events_per_s": tracked / took,
            "complete": tracked >= last}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=20260301)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:15432/ledgerline")
    p.add_argument("--schema", default="bench_peer")
    p.add_argument("--limit", type=int, help="store only the history's first N events "
                   "(the peer cannot go through a million in the time given)")
    p.add_argument("--output", type=Path, help="append the figures as a JSON line")
    a = p.parse_args()
    env = environment(a.dsn, a.schema)
    with psycopg.connect(a.dsn, autocommit=True) as conn:
        conn.execute(SQL("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}").format(
            Identifier(a.schema)))
    stored_at = time.perf_counter()
    last = store_history(env, a.events, a.customers, a.seed, a.limit or a.events)
    result = {"library": "eventsourcing 9.5.6", "stored": last,
              "store_s": round(time.perf_counter() - stored_at, 1),
              **project(env, last, a.seconds)}
    line = orjson.dumps(result).decode()
    print(line, flush=True)
    if a.output:
        with a.output.open("a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
