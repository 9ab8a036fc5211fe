"""Amounts as finance users read them: per currency symbol and minor unit, thousands
separated, rounded half up. Decimal all the way: the APIs send decimal strings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "INR": "₹"}
MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3,
               "TND": 3}


def to_decimal(value: str | int | Decimal | None) -> Decimal:
    """A decimal string (or None, meaning zero) as a Decimal; floats are not accepted."""
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        raise TypeError("amounts must be decimal strings, not floats")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-MINOR_UNITS.get(currency.upper(), 2))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(value: str | int | Decimal | None, currency: str) -> str:
    """`"1234.5", "EUR"` → `"€1,234.50"`; unknown currencies keep their code: `"SEK 12.00"`."""
    amount = quantize(to_decimal(value), currency)
    digits = f"{abs(amount):,}"
    symbol = SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    sign = "−" if amount < 0 else ""
    return f"{sign}{symbol}{digits}"


def format_compact(value: str | int | Decimal | None, currency: str) -> str:
    """Short axis labels: `"€12.3k"`, `"$1.2M"`; below a thousand the full amount."""
    amount = to_decimal(value)
    symbol = SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if abs(amount) >= size:
            short = (amount / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{'−' if short < 0 else ''}{symbol}{abs(short)}{suffix}"
    return format_money(amount, currency)


def format_percent(value: str | Decimal | None) -> str:
    """`"30.19"` → `"30.2 %"`; an undefined ratio (null) → `"–"`."""
    if value is None:
        return "–"
    return f"{to_decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} %"


def format_days(value: str | int | Decimal | None) -> str:
    """DSO in days with one decimal, `"–"` when undefined."""
    if value is None:
        return "–"
    return f"{to_decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} d"
