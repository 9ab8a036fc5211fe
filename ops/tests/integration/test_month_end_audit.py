"""Done when: a realistic simulated history through the four real services, a month-end
snapshot, later events including late payments dated before month end; the audit against
the snapshot reports exactly the late entries, with a stable checksum, while the month end
as known when the snapshot was taken still equals the stored report."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline_cash.config import Settings as CashSettings
from ledgerline_collections.config import CollectionsSettings
from ledgerline_credit.config import CreditSettings
from ledgerline_events.runtime import ServiceSettings
from ledgerline_ops.audit import audit
from ledgerline_ops.compare import changed_items
from ledgerline_ops.month_end import audit_snapshot, close_month, month_end
from ledgerline_ops.replay import replay
from ledgerline_ops.services import SERVICES
from ledgerline_ops.simulation import Simulation, SimulationConfig, settle
from ledgerline_ops.simulation.actions import Desk, Invoice, Planned
from ledgerline_ops.simulation.world import PlannedPayment

from .stack import Stack, running_stack

# Four months of forty customers' history through the four services: about 4 minutes here,
# more on a busy CI machine.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]

MONTH = "2026-10"
CONFIG = SimulationConfig(customers=40, months=4, seed=7, start=date(2026, 7, 1))


def settings_of(cls: type[ServiceSettings], stack: Stack) -> ServiceSettings:
    e = stack.env
    return cls(kafka_bootstrap=e["LEDGERLINE_KAFKA_BOOTSTRAP"], pg_dsn=e["LEDGERLINE_PG_DSN"],
               topic_prefix=e["LEDGERLINE_TOPIC_PREFIX"], schema_prefix=e["LEDGERLINE_SCHEMA_PREFIX"])


async def test_audit_against_month_end_snapshot_reports_exactly_the_late_payments(
    kafka_bootstrap: str, pg_dsn: str, schema_prefix: str, tmp_path: Path,
) -> None:
    async with running_stack(kafka_bootstrap, pg_dsn, schema_prefix.rstrip("_")) as stack:
        sim = Simulation(CONFIG, stack.services)
        summary = await sim.run()
        for kind in ("credit_note", "dispute", "write_off", "payment reversals"):
            assert summary.counts[kind] > 0, summary.describe()
        collections = settings_of(CollectionsSettings, stack)
        assert isinstance(collections, CollectionsSettings)

        snapshot_taken = datetime.now(UTC)
        snapshot = await close_month(collections, MONTH, tmp_path)
        assert snapshot.event.as_of == month_end(MONTH) and snapshot.event.row_count > 100

        late = await pay_late_and_carry_on(sim, snapshot.path.read_text(), summary.invoices)
        await settle(stack.services)

        first = await audit_snapshot(collections, MONTH, tmp_path)
        second = await audit_snapshot(collections, MONTH, tmp_path)
        assert first.file_intact and second.file_intact
        assert changed_items(first.result.differences) == late
        # As known when the snapshot was taken, month end still reads exactly as stored.
        assert first.known_then == [], [d.describe() for d in first.known_then[:5]]
        assert first.known_at > snapshot_taken
        late_customers = {summary.invoices[i].customer_id for i in late}
        assert {d.customer_id for d in first.result.differences} <= late_customers | {""}
        assert (first.result.checksum, first.file_checksum) == (second.result.checksum,
                                                                second.file_checksum)
        print(summary.describe(), first.result.checksum)

        live = await audit(SERVICES["collections"], collections, month_end(MONTH))
        assert live.clean, [d.describe() for d in live.differences[:5]]

        credit = await replay(SERVICES["credit"], settings_of(CreditSettings, stack), swap_in=True)
        print(credit)
        assert credit.applied > 2000 and credit.retired_schema
        cash = await audit(SERVICES["cash-application"], settings_of(CashSettings, stack),
                           month_end("2026-12"))
        assert cash.clean, [d.describe() for d in cash.differences[:5]]


async def pay_late_and_carry_on(sim: Simulation, snapshot_json: str,
                                invoices: dict[str, Invoice]) -> set[str]:
    """Three invoices open at month end get paid by a statement booked on 30 October but
    imported now; and November goes on (a credit note, a dunning run), which must not count."""
    import json

    rows = json.loads(snapshot_json)["rows"]
    open_items = sorted((r["item"], Decimal(r["amount"])) for r in rows
                        if r["section"] == "ageing_item" and Decimal(r["amount"]) > 0)
    chosen = open_items[::max(1, len(open_items) // 3)][:3]
    people = {c.id: c for c in sim.people}
    payments = [PlannedPayment(date(2026, 10, 30), people[invoices[i].customer_id], i,
                               invoices[i].number, amount) for i, amount in chosen]
    await sim.import_statement("LATE-2026-10", payments)
    others = [invoices[i] for i, _ in open_items if i not in {c[0] for c in chosen}]
    desk = Desk(sim.s, seed=99)
    assert await desk.do(Planned(date(2026, 11, 3), "credit_note", others[0]))
    await desk.dunning_run(date(2026, 11, 2))
    await asyncio.sleep(0)
    return {i for i, _ in chosen}
