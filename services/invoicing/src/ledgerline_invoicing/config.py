"""Invoicing settings: the runtime's shared settings (``LEDGERLINE_*`` environment variables)
plus what only invoicing needs."""

from __future__ import annotations

from typing import ClassVar

from ledgerline_events.runtime import ServiceSettings


class InvoicingSettings(ServiceSettings):
    service_name: ClassVar[str] = "invoicing"

    port: int = 8102
    register_page_limit: int = 500

    @property
    def sales_intake_group(self) -> str:
        """The inbound sales consumer has its own group: its offsets live in the write schema."""
        return f"{self.consumer_group}.sales-intake"
