"""Settings of the cash-application service (environment variables, LEDGERLINE_ prefix)."""

from __future__ import annotations

from typing import ClassVar

from ledgerline_events.contract.cash_application import MatchReason
from ledgerline_events.runtime import ServiceSettings

from .domain.matching import AUTOMATIC_RULES, MatchingSettings


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "cash-application"

    # The company's matching policy: rules tried in this order (LEDGERLINE_MATCHING_RULES as a
    # JSON list, e.g. '["remittance_reference","exact_amount"]').
    matching_rules: tuple[MatchReason, ...] = AUTOMATIC_RULES
    matching_max_combination_size: int = 5
    # Bank statement files (POST /statements) may be this large; other bodies:
    # LEDGERLINE_MAX_REQUEST_BYTES (1 MiB).
    statement_max_request_bytes: int = 10 * 1024 * 1024

    @property
    def matching(self) -> MatchingSettings:
        return MatchingSettings(rules=tuple(self.matching_rules),
                                max_combination_size=self.matching_max_combination_size)
