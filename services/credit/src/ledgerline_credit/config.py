"""Credit service settings: the runtime's, plus the credit and hold policies' thresholds
(environment variables LEDGERLINE_CREDIT_...)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from ledgerline_credit.domain.decision import CreditPolicy
from ledgerline_credit.domain.holds import HoldPolicy
from ledgerline_events.runtime import ServiceSettings


class CreditSettings(ServiceSettings):
    service_name: ClassVar[str] = "credit"

    port: int = 8101
    credit_over_limit_tolerance_percent: Decimal = Decimal(10)
    credit_overdue_refer_days: int = 30
    credit_risk_refer_above: int = 60
    credit_refer_when_disputed: bool = True
    credit_overdue_hold_days: int = 60
    credit_hold_sweep_interval_s: float = 3600.0

    def credit_policy(self) -> CreditPolicy:
        return CreditPolicy(
            over_limit_tolerance_percent=self.credit_over_limit_tolerance_percent,
            overdue_refer_days=self.credit_overdue_refer_days,
            risk_refer_above=self.credit_risk_refer_above,
            refer_when_disputed=self.credit_refer_when_disputed,
        )

    def hold_policy(self) -> HoldPolicy:
        return HoldPolicy(overdue_hold_days=self.credit_overdue_hold_days)
