"""Canonical reports: checksums, files, differences, instants, progress, the simulated world."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerline_events.runtime import Progress
from ledgerline_ops.compare import changed_items, differences
from ledgerline_ops.instants import parse_instant
from ledgerline_ops.month_end import month_end
from ledgerline_ops.progress import ProgressBar, render
from ledgerline_ops.reports import Report, canonical_amount, load_report, write_report
from ledgerline_ops.simulation.world import customers, orders_of_week

T = datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=UTC)


def row(item: str, amount: str, section: str = "ageing_item", customer: str = "C-1") -> dict[str, object]:
    return {"section": section, "customer_id": customer, "currency": "EUR", "item": item,
            "measure": "1-30", "amount": Decimal(amount)}


@pytest.mark.parametrize(("given", "canonical"), [
    ("120.50", "120.5"), ("1E+2", "100"), ("-0.00", "0"), ("0.10", "0.1"), (7, "7")])
def test_amounts_are_plain_decimal_strings(given: str | int, canonical: str) -> None:
    assert canonical_amount(given) == canonical


def test_the_same_figures_in_any_order_give_the_same_checksum() -> None:
    a = Report.build("r", T, [row("inv-1", "10.00"), row("inv-2", "5")])
    b = Report.build("r", T, [row("inv-2", "5.0"), row("inv-1", "10")])
    assert a.checksum == b.checksum
    assert Report.build("r", T, [row("inv-1", "10.01")]).checksum != a.checksum


def test_json_and_csv_files_read_back_to_the_same_report(tmp_path: Path) -> None:
    report = Report.build("collections.ageing", T, [row("inv-1", "10.5"), row("", "3", "balance")])
    for fmt in ("json", "csv"):
        loaded = load_report(write_report(report, tmp_path / f"r.{fmt}", fmt))
        assert loaded == report and loaded.checksum == report.checksum
    assert report.totals() == {"EUR": "3"}


def test_differences_name_every_changed_or_missing_row() -> None:
    stored = Report.build("r", T, [row("inv-1", "10"), row("inv-2", "5"), row("inv-3", "1")])
    rebuilt = Report.build("r", T, [row("inv-1", "10"), row("inv-2", "4"), row("inv-4", "2")])
    found = differences(stored, rebuilt)
    assert [(d.item, d.expected, d.actual) for d in found] == [
        ("inv-2", "5", "4"), ("inv-3", "1", None), ("inv-4", None, "2")]
    assert changed_items(found) == {"inv-2", "inv-3", "inv-4"}
    assert "invoice=inv-3" in found[1].describe() and "customer=C-1" in found[1].describe()


def test_instants_dates_mean_the_end_of_the_day_utc() -> None:
    assert parse_instant("2026-10-31") == T == month_end("2026-10")
    assert parse_instant("2026-11-01T01:00:00+01:00") == datetime(2026, 11, 1, tzinfo=UTC)
    assert month_end("2024-02").date() == date(2024, 2, 29)
    with pytest.raises(ValueError, match="offset"):
        parse_instant("2026-10-31T12:00:00")


def test_progress_shows_rate_and_eta() -> None:
    assert "500/1000" in render(Progress(500, 1000, 2.0)) and "250 ev/s" in render(Progress(500, 1000, 2.0))
    out = io.StringIO()
    bar = ProgressBar("replay", out, interval=0)
    bar(Progress(1000, 1000, 1.0))
    bar.finish()
    assert out.getvalue().startswith("\rreplay [") and out.getvalue().endswith("\n")


def test_the_simulated_company_is_the_same_for_the_same_seed() -> None:
    def world(seed: int) -> list[str]:
        rng = random.Random(seed)
        people = customers(rng, 30)
        orders = orders_of_week(rng, people, date(2026, 7, 6), [0])
        return [repr(c) for c in people] + [repr(o) for o in orders]

    assert world(3) == world(3) != world(4)
    people = customers(random.Random(1), 60)
    assert {c.currency for c in people} == {"EUR", "USD", "GBP"}
    assert {c.customer.language.value for c in people} == {"en", "fr", "it"}
    assert len({c.terms.kind for c in people}) >= 3 and len({c.habit for c in people}) == 6
