"""How amounts read in reasons shown to people: "1,250.00 EUR"."""

from __future__ import annotations

from decimal import Decimal

from ledgerline_events.contract.money import minor_unit, quantize


def spoken(amount: Decimal, currency: str) -> str:
    """An amount with thousands separators and the currency's minor unit."""
    rounded = quantize(amount, currency)
    return f"{rounded:,.{minor_unit(currency)}f} {currency}"
