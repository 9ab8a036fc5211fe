"""Who an invoice is between, as a legal e-invoice must say it: a postal address, and the buyer's
legal identity (VAT and company ids, and, for Italy, where the exchange system (SDI) delivers
its invoices). What the ERP knows travels with the sale and is kept on the invoice as issued."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

COUNTRY = r"^[A-Z]{2}$"


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Part):
    lines: list[str] = Field(min_length=1, max_length=4)
    postcode: str = Field(default="", max_length=16)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(min_length=2, max_length=2, pattern=COUNTRY, description="ISO 3166")


class Buyer(_Part):
    """The buyer as its invoices must name it (EN 16931 BG-7; FatturaPA CessionarioCommittente)."""

    legal_name: str = Field(min_length=1, max_length=200)
    address: Address
    vat_id: str | None = Field(default=None, pattern=r"^[A-Z]{2}[0-9A-Za-z]{2,13}$",
                               description="with its country prefix: FR40303265045, IT01234567890")
    company_id: str | None = Field(default=None, max_length=32, description=(
        "the legal registration: SIREN/SIRET in France, codice fiscale in Italy"))
    sdi_code: str | None = Field(default=None, pattern=r"^[A-Z0-9]{7}$", description=(
        "Italy: the recipient code (Codice Destinatario) the SDI delivers to"))
    pec: str | None = Field(default=None, max_length=256, description="Italy: certified e-mail")


class OrderReference(_Part):
    """The buyer's own reference of what is invoiced: their purchase order and when they
    ordered (so their accounts payable can match the invoice)."""

    purchase_order: str = Field(min_length=1, max_length=64)
    ordered_on: date | None = None
