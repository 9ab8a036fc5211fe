"""`ledgerline what-if` prints the live and the what-if outcomes side by side, with the
difference."""

from __future__ import annotations

from ledgerline_ops.what_if import report


def test_the_report_sets_the_two_outcomes_side_by_side() -> None:
    outcome = {"letters": 91, "by_level": {"reminder": 44, "final_notice": 23},
               "customers_reached": 10, "disputed_invoices_dunned": 2}
    other = {"letters": 57, "by_level": {"reminder": 29}, "customers_reached": 9,
             "disputed_invoices_dunned": 2}
    text = report({"from": "2026-04-01", "to": "2026-06-30", "run_days": 43, "live": outcome,
                   "what_if": other})
    assert "dunning what-if 2026-04-01..2026-06-30 (43 run days)" in text
    assert any(line.split() == ["letters", "91", "57", "-34"] for line in text.splitlines())
    assert any(line.split() == ["final", "notice", "23", "0", "-23"] for line in text.splitlines())
