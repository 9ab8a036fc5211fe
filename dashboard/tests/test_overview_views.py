"""Overview panels: from the read APIs' JSON to what the page shows."""

from datetime import date
from decimal import Decimal

from ledgerline_dashboard.views import ageing, cash, collections, kpis
from ledgerline_dashboard.views.charts import grouped_bars, sparkline
from ledgerline_dashboard.views.labels import bucket_label, humanize

from .samples import AGEING, AGEING_OCT, DISPUTES, UNAPPLIED, WORKLIST, buckets, kpi_report, money


def test_ageing_per_currency_with_every_bucket_formatted() -> None:
    eur, gbp = ageing.currency_ageing(AGEING, None)
    assert (eur.currency, eur.total, eur.overdue) == ("EUR", "€2,929.90", "€2,449.90")
    assert [(r.label, r.now) for r in eur.rows] == [
        ("Current", "€480.00"), ("1–30 days", "€600.00"), ("31–60 days", "€849.90"),
        ("61–90 days", "€0.00"), ("Over 90 days", "€1,000.00")]
    assert gbp.overdue == "£3,000.00"
    assert all(r.as_of is None for r in eur.rows) and eur.as_of_total is None
    assert len(eur.chart.bars) == 5


def test_ageing_as_of_adds_a_second_series_and_currencies_seen_only_then() -> None:
    then = {**AGEING_OCT, "currencies": {**AGEING_OCT["currencies"],
                                         "USD": {"buckets": {"current": "5"}, "total": "5"}}}
    by_currency = {c.currency: c for c in ageing.currency_ageing(AGEING, then)}
    assert sorted(by_currency) == ["EUR", "GBP", "USD"]
    eur = by_currency["EUR"]
    assert [r.as_of for r in eur.rows][:3] == ["€849.90", "€0.00", "€1,200.00"]
    assert eur.as_of_total == "€2,049.90"
    assert by_currency["GBP"].as_of_total == "£0.00"
    assert by_currency["USD"].total == "$0.00"
    assert len(eur.chart.bars) == 10 and {b.series for b in eur.chart.bars} == {0, 1}


def test_top_overdue_per_currency_largest_first_without_fully_current_customers() -> None:
    # An overdue page lists no customer with nothing overdue; a customer_id page would.
    page = {**AGEING, "customers": {**AGEING["customers"],
                                    "C-NEW": {"GBP": {"buckets": buckets("75.00"), "total": "75.00"}}}}
    top = ageing.top_overdue(page, per_currency=5)
    assert list(top) == ["EUR", "GBP"]
    assert [(r.customer_id, r.overdue) for r in top["EUR"]] == [
        ("C-ACME", "€1,849.90"), ("C-DELTA", "€600.00")]
    assert [r.customer_id for r in top["GBP"]] == ["C-CROWN"]
    assert top["EUR"][0].buckets == ["€0.00", "€849.90", "€0.00", "€1,000.00"]
    assert len(ageing.top_overdue(AGEING, per_currency=1)["EUR"]) == 1
    assert ageing.overdue_bucket_labels(AGEING) == ["1–30 days", "31–60 days", "61–90 days", "Over 90 days"]


def test_worklist_keeps_the_service_ranking() -> None:
    rows = collections.worklist(WORKLIST, limit=10)
    assert [(r.rank, r.customer_id, r.overdue, r.dunning_level) for r in rows] == [
        (1, "C-ACME", "€1,849.90", "Friendly reminder"), (2, "C-BOLT", "$2,000.00", "None yet")]
    assert len(collections.worklist(WORKLIST, limit=1)) == 1


def test_open_disputes_counted_and_totalled_per_currency_oldest_first() -> None:
    view = collections.open_disputes(DISPUTES, limit=10)
    assert view.count == 2
    assert view.totals == {"EUR": "€120.50", "GBP": "£1,000.00"}
    assert [d.dispute_id for d in view.rows] == ["dsp-1", "dsp-2"]
    assert view.rows[1].reason == "Quality complaint"


def test_unapplied_cash_only_what_is_left_largest_first() -> None:
    # The service lists no fully applied payment; the view would leave one out.
    applied = {**UNAPPLIED["payments"][1], "payment_id": "PAY-3", "customer_id": "C-BOLT",
               "amount": money("10.00", "USD"), "unapplied": money("0.00", "USD"),
               "allocated": money("10.00", "USD"), "refunded": money("0.00", "USD")}
    view = cash.unapplied_cash([*UNAPPLIED["payments"], applied], limit=10)
    assert view.count == 2
    assert view.totals == {"EUR": "€575.50"}
    assert [(p.payment_id, p.amount, p.unapplied) for p in view.rows] == [
        ("PAY-2", "€1,500.00", "€300.00"), ("PAY-1", "€275.50", "€275.50")]
    assert view.rows[1].customer_id is None


def test_last_months_end_with_today_oldest_first() -> None:
    months = kpis.last_months(date(2026, 3, 15), 3)
    assert [(m.label, m.start, m.end) for m in months] == [
        ("Jan 2026", date(2026, 1, 1), date(2026, 1, 31)),
        ("Feb 2026", date(2026, 2, 1), date(2026, 2, 28)),
        ("Mar 2026", date(2026, 3, 1), date(2026, 3, 15))]


def test_kpi_headline_and_trend() -> None:
    (eur,) = kpis.headline(kpi_report("127.33", "30.19"))
    assert (eur.dso, eur.cei, eur.written_off, eur.dso_standard) == ("127.3 d", "30.2 %", "€200.00", "–")
    rows = kpis.trend([kpi_report("100", None), None, kpi_report("127.33", "30.19")])
    assert [(r.currency, r.metric, r.values) for r in rows] == [
        ("EUR", "DSO", ["100.0 d", "–", "127.3 d"]), ("EUR", "CEI", ["–", "–", "30.2 %"])]
    assert rows[0].spark.count(",") == 2


def test_chart_geometry_scales_to_the_largest_bar() -> None:
    chart = grouped_bars([("a", [(Decimal(50), "50")]), ("b", [(Decimal(100), "100")]),
                          ("c", [(Decimal(0), "0")])])
    heights = [Decimal(b.height) for b in chart.bars]
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert chart.bars[2].value_label == ""
    assert grouped_bars([("a", [(Decimal(0), "0")])]).bars[0].height == "0.0"
    assert sparkline([Decimal(1)]) == ""


def test_labels() -> None:
    assert bucket_label("over_120") == "Over 120 days"
    assert bucket_label("91-120") == "91–120 days"
    assert humanize("final_notice") == "Final notice"
    assert humanize(None) == ""
