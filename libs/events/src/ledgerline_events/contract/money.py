"""Money on the wire: a Decimal amount with its ISO 4217 currency, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

# Minor units of the currencies we accept (ISO 4217). Extend here; nothing else hard-codes them.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2,
    "HUF": 2, "RON": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SGD": 2, "HKD": 2, "CNY": 2, "INR": 2,
    "BRL": 2, "MXN": 2, "ZAR": 2, "TRY": 2, "AED": 2, "ILS": 2, "JPY": 0, "KRW": 0,
    "BHD": 3, "KWD": 3, "TND": 3,
}


def _no_float(value: Any) -> Any:
    # A float has already lost cents (0.1 + 0.2); make the producer send a string.
    if isinstance(value, float):
        raise ValueError("money amounts must be decimal strings, not floats")
    return value


# What the schema tells callers to send: a decimal string (a whole JSON number also passes).
_DECIMAL_IN = {"anyOf": [{"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
                          "examples": ["120.50"]}, {"type": "integer"}],
               "description": "decimal string; a JSON number with a fraction is refused"}

DecimalAmount = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema(_DECIMAL_IN, mode="validation"),
]


def minor_unit(currency: str) -> int:
    """Number of decimal places of the currency (2 for EUR, 0 for JPY)."""
    return MINOR_UNITS[currency]


def quantize(amount: Decimal, currency: str, *, bankers: bool = False) -> Decimal:
    """Round to the currency's minor unit (half-up, the invoicing norm; half-even on request)."""
    exponent = Decimal(1).scaleb(-MINOR_UNITS[currency])
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN if bankers else ROUND_HALF_UP)


def check_currency(code: str) -> str:
    if code not in MINOR_UNITS:
        raise ValueError(f"unknown or unsupported ISO 4217 currency {code!r}")
    return code


def _currency_code(value: Any) -> str:
    return check_currency(str(value).upper())


Currency = Annotated[str, BeforeValidator(_currency_code)]


class Money(BaseModel):
    """An amount in one currency. Arithmetic refuses to mix currencies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: DecimalAmount  # pydantic refuses NaN and infinities in a Decimal by default
    currency: Currency

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(amount=Decimal(amount), currency=currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal(0), currency=currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __neg__(self) -> Money:
        return Money(amount=-self.amount, currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def rounded(self) -> Money:
        return Money(amount=quantize(self.amount, self.currency), currency=self.currency)
