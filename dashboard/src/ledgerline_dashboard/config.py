"""Where the services' read APIs are, from LEDGERLINE_DASHBOARD_* environment variables."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGERLINE_DASHBOARD_", extra="ignore")

    credit_url: str = "http://127.0.0.1:8101"
    invoicing_url: str = "http://127.0.0.1:8102"
    cash_application_url: str = "http://127.0.0.1:8103"
    collections_url: str = "http://127.0.0.1:8104"
    timeout_s: float = 10.0
    trend_months: int = 6
    top_rows: int = 15
    top_overdue_per_currency: int = 5

    def service_urls(self) -> dict[str, str]:
        return {
            "credit": self.credit_url.rstrip("/"),
            "invoicing": self.invoicing_url.rstrip("/"),
            "cash-application": self.cash_application_url.rstrip("/"),
            "collections": self.collections_url.rstrip("/"),
        }
