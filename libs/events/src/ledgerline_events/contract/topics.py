"""Topic names. Each producer writes one topic keyed by customer id; a prefix isolates
environments and test runs (``LEDGERLINE_TOPIC_PREFIX``)."""

from __future__ import annotations

from dataclasses import dataclass

SERVICES = ("invoicing", "cash-application", "collections", "credit")


@dataclass(frozen=True)
class Topics:
    prefix: str = ""

    def events(self, service: str) -> str:
        """The topic a service publishes its events to."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        return f"{self.prefix}ledgerline.{service}.events"

    @property
    def sales_inbound(self) -> str:
        """Sales events published by other enterprise services (ERP, order management)."""
        return f"{self.prefix}erp.sales.events"

    @property
    def sales_rejections(self) -> str:
        """Where the publishers of the sales topic hear which of their events we refused."""
        return f"{self.prefix}erp.sales.rejections"

    def dead_letter(self, consumer: str) -> str:
        """Where a consumer parks events it cannot apply, with the reason."""
        return f"{self.prefix}ledgerline.{consumer}.dead-letter"

    @property
    def invoicing(self) -> str:
        return self.events("invoicing")

    @property
    def cash_application(self) -> str:
        return self.events("cash-application")

    @property
    def collections(self) -> str:
        return self.events("collections")

    @property
    def credit(self) -> str:
        return self.events("credit")
