"""Settings of the cash-application service (environment variables, LEDGERLINE_ prefix)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ledgerline_events.contract.cash_application import MatchReason
from ledgerline_events.runtime import ServiceSettings

from .adapters.statements.csv_profiles import SHIPPED, CsvProfile
from .domain.matching import AUTOMATIC_RULES, MatchingSettings


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "cash-application"

    # The company's matching policy: rules tried in this order (LEDGERLINE_MATCHING_RULES as a
    # JSON list, e.g. '["remittance_reference","exact_amount"]').
    matching_rules: tuple[MatchReason, ...] = AUTOMATIC_RULES
    matching_max_combination_size: int = 5
    # Bank statement files (POST /statements) may be this large (a camt.053 of 50,000
    # entries is about 21 MB; it is read as a stream); other bodies:
    # LEDGERLINE_MAX_REQUEST_BYTES (1 MiB).
    statement_max_request_bytes: int = 64 * 1024 * 1024
    # CSV layouts of other banks, by name (LEDGERLINE_STATEMENT_CSV_PROFILES as a JSON object
    # of name -> profile; see adapters/statements/csv_profiles.py). They add to the shipped ones.
    statement_csv_profiles: dict[str, CsvProfile] = Field(default_factory=dict)

    def csv_profile(self, name: str) -> CsvProfile | None:
        return self.statement_csv_profiles.get(name) or SHIPPED.get(name)

    def csv_profile_names(self) -> list[str]:
        return sorted({*SHIPPED, *self.statement_csv_profiles})

    @property
    def matching(self) -> MatchingSettings:
        return MatchingSettings(rules=tuple(self.matching_rules),
                                max_combination_size=self.matching_max_combination_size)
