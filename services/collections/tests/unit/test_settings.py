"""Settings turn into the company's policy; the daily dunning schedule's next instant."""

from datetime import UTC, datetime, time
from decimal import Decimal

from ledgerline_collections.bootstrap import next_run_after
from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract.collections import DunningLevel


def test_settings_build_the_dunning_policy_and_buckets() -> None:
    settings = CollectionsSettings(
        dunning_days_after_due=[10, 20, 30, 40], dunning_grace_days=2,
        dunning_minimum_amounts={"EUR": Decimal("25")}, ageing_buckets=[15, 45],
    )
    policy = settings.dunning_policy
    assert policy.rule_for(DunningLevel.FINAL_NOTICE).days_after_due == 30
    assert policy.rule_for(DunningLevel.FRIENDLY_REMINDER).min_days_after_previous == 0
    assert policy.minimum_for("EUR") == Decimal("25") and policy.minimum_for("USD") == 0
    assert settings.buckets.labels == ["current", "1-15", "16-45", "over_45"]
    assert not settings.dunning_schedule_enabled


def test_next_scheduled_run_is_today_before_the_time_else_tomorrow() -> None:
    settings = CollectionsSettings(dunning_schedule_at=time(6, 0))
    early = datetime(2026, 6, 15, 5, 59, tzinfo=UTC)
    late = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
    assert next_run_after(early, settings) == datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
    assert next_run_after(late, settings) == datetime(2026, 6, 16, 6, 0, tzinfo=UTC)
