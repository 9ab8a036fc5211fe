"""Invoicing settings: the runtime's shared settings (``LEDGERLINE_*`` environment variables)
plus what only invoicing needs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from ledgerline_events.contract.invoicing import EInvoiceFormat
from ledgerline_events.contract.parties import Address
from ledgerline_events.runtime import ServiceSettings

from .domain.e_invoice import DEFAULT_FORMATS, Seller

FRENCH_MENTIONS = ("Pénalités de retard : trois fois le taux d'intérêt légal ; indemnité "
                   "forfaitaire pour frais de recouvrement : 40 EUR (art. L441-10 C. com.)",)


class InvoicingSettings(ServiceSettings):
    service_name: ClassVar[str] = "invoicing"

    port: int = 8102
    register_page_limit: int = 500
    # The legal e-invoice of every invoice and credit note (application/e_invoicing.py): who
    # sells, as the documents name it, and which format each buyer country takes in.
    e_invoices_enabled: bool = True
    e_invoice_poll_s: float = Field(default=1.0, gt=0)
    e_invoice_formats: dict[str, EInvoiceFormat] = Field(default_factory=lambda: dict(DEFAULT_FORMATS))
    seller_address_lines: list[str] = Field(default=["1 Example Street"], min_length=1,
                                            max_length=4)
    seller_postcode: str = "EC1A 1AA"
    seller_city: str = "London"
    seller_country: str = Field(default="GB", pattern=r"^[A-Z]{2}$")
    seller_vat_id: str = Field(default="GB123456789", pattern=r"^[A-Z]{2}[0-9A-Za-z]{2,13}$")
    seller_company_id: str = "01234567"
    seller_regime_fiscale: str = Field(default="RF01", pattern=r"^RF[0-9]{2}$")
    seller_legal_notes: list[str] = Field(default_factory=lambda: list(FRENCH_MENTIONS))
    # Where statements ask the late-payment interest accrued and not yet claimed (collections'
    # read API), and the API key they read with when no JWT secret is shared.
    collections_url: str = "http://127.0.0.1:8104"
    collections_api_key: SecretStr | None = None

    @property
    def seller(self) -> Seller:
        return Seller(self.creditor(), Address(lines=self.seller_address_lines,
                                               postcode=self.seller_postcode,
                                               city=self.seller_city, country=self.seller_country),
                      self.seller_vat_id, self.seller_company_id, self.seller_regime_fiscale,
                      tuple(self.seller_legal_notes))

    @property
    def sales_intake_group(self) -> str:
        """The inbound sales consumer has its own group: its offsets live in the write schema."""
        return f"{self.consumer_group}.sales-intake"
