"""The value policy every edge applies: what a number, a date or a text may be when it comes
in from outside (HTTP requests, consumed messages, statement files, tokens) or goes into an
event store.

- amounts are finite, at most `max_amount` in size, and money has no more decimals than its
  currency's minor unit (1.001 EUR and 1.5 JPY are refused, never silently rounded);
- dates and instants lie within [`earliest`, `latest`] (the calendar's ends overflow when an
  offset or a payment term is added);
- text holds no NUL character (PostgreSQL cannot store it) and no unpaired UTF-16 surrogate
  (it cannot be encoded as UTF-8).

A refusal names the field, the rule and what is wrong (`ValueRefused`): HTTP answers it 422
`{detail, rule, field}`, a consumer dead-letters the message with it. Computed intermediate
amounts inside a service (discount shares, allocations being summed) are not checked here: the
policy applies where values cross an edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import Any, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel

from .base import Envelope
from .money import MINOR_UNITS, Money

RULES = {
    "not_finite": "amounts must be finite numbers",
    "amount_too_large": "amounts may not exceed the configured maximum",
    "below_minor_unit": "money may not have more decimals than its currency's minor unit",
    "date_outside_window": "dates must lie within the configured window",
    "nul_character": "text may not contain a NUL character",
    "unpaired_surrogate": "text may not contain an unpaired UTF-16 surrogate",
    "strict_json": "the body must be strict JSON (no NaN, Infinity or lone surrogates)",
}


class ValueRefused(Exception):
    """A value outside the policy: `field` (dotted path), `rule` (a key of RULES), `detail`;
    `where` the request part it came in (an HTTP edge sets it for query, path and headers)."""

    def __init__(self, field: str, rule: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.field, self.rule, self.detail = field, rule, detail
        self.where = "body"


@dataclass(frozen=True)
class ValuePolicy:
    """The bounds (settings `LEDGERLINE_MAX_AMOUNT`, `…_EARLIEST_DATE`, `…_LATEST_DATE`)."""

    max_amount: Decimal = Decimal("1000000000000")  # 10^12 in any currency's major unit
    earliest: date = date(1900, 1, 1)
    latest: date = date(2199, 12, 31)

    def amount(self, value: Decimal | float | int, field: str, currency: str | None = None) -> None:
        if isinstance(value, float | Decimal) and not _finite(value):
            raise ValueRefused(field, "not_finite", f"{value} is not a finite number")
        if not -self.max_amount <= value <= self.max_amount:
            raise ValueRefused(field, "amount_too_large",
                               f"{value} is above the maximum of {self.max_amount}")
        if currency is not None and currency in MINOR_UNITS and isinstance(value, Decimal):
            unit = Decimal(1).scaleb(-MINOR_UNITS[currency])
            if value != value.quantize(unit):
                raise ValueRefused(field, "below_minor_unit",
                                   f"{value} {currency} has more decimals than {currency} has "
                                   f"({MINOR_UNITS[currency]})")

    def day(self, value: date, field: str) -> None:
        # A datetime's own (local) date: converting 9999-12-31T23:59-12:00 to UTC overflows.
        day = value.date() if isinstance(value, datetime) else value
        if not self.earliest <= day <= self.latest:
            raise ValueRefused(field, "date_outside_window",
                               f"{value.isoformat()} is outside {self.earliest}..{self.latest}")

    @staticmethod
    def text(value: str, field: str) -> None:
        if "\x00" in value:
            raise ValueRefused(field, "nul_character", "text contains a NUL character")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueRefused(field, "unpaired_surrogate",
                                   "text contains an unpaired UTF-16 surrogate") from exc

    def check(self, value: Any, field: str = "") -> None:
        """Walk a value (models, money, lists, mappings, scalars) and refuse the first part
        outside the policy, naming its path. Types it does not know are left alone."""
        if isinstance(value, str):
            self.text(value, field)
        elif isinstance(value, bool | None):
            return
        elif isinstance(value, Money):
            self.amount(value.amount, _join(field, "amount"), value.currency)
        elif isinstance(value, Decimal | float | int):
            self.amount(value, field)
        elif isinstance(value, date):
            self.day(value, field)
        elif isinstance(value, BaseModel):
            fields = value.__dict__  # not getattr: it would warn of deprecated fields
            for name in type(value).__pydantic_fields__:
                self.check(fields.get(name), _join(field, name))
        elif isinstance(value, list | tuple | set | frozenset):
            for i, item in enumerate(value):
                self.check(item, f"{field}[{i}]")
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self.check(key, field)
                self.check(item, _join(field, str(key)))

    def check_envelope(self, envelope: Envelope) -> None:
        """A whole event as it travels: its envelope's ids, instants and its payload."""
        for name in ("customer_id", "aggregate_id", "correlation_id", "causation_id",
                     "producer", "occurred_at", "recorded_at"):
            self.check(getattr(envelope, name), name)
        self.check(envelope.payload, "payload")

    def check_message(self, raw: bytes, envelope: Envelope) -> None:
        """A consumed message, decoded: the same rules as `check_envelope` at a fraction of
        its cost (a replay checks millions). Text is checked on the raw bytes (a NUL can only
        come as an escape; pydantic-core already refuses unpaired surrogates), numbers and
        dates by a walk compiled per event type that visits only those fields."""
        if b"\\u0000" in raw:
            self.check_envelope(envelope)
        self.day(envelope.occurred_at, "occurred_at")
        self.day(envelope.recorded_at, "recorded_at")
        try:
            _numbers_and_dates(type(envelope.payload))(self, envelope.payload)
        except _Outside:
            self.check(envelope.payload, "payload")
            raise


class _Outside(Exception):
    """Raised by a compiled walk; the careful walk (`check`) then names the field."""


Walk = Callable[[ValuePolicy, Any], None]
_WALKS: dict[Any, Walk] = {}


def _numbers_and_dates(annotation: Any) -> Walk:
    """The quick check of one declared type: only amounts and dates, no paths."""
    walk = _WALKS.get(annotation)
    if walk is None:
        walk = _WALKS[annotation] = _compile(annotation)
    return walk


def _skip(policy: ValuePolicy, value: Any) -> None:
    return None


def _compile(annotation: Any) -> Walk:
    if annotation is Money:
        return _quick_money
    if annotation is Decimal:
        return _quick_decimal
    if annotation is date or annotation is datetime:
        return _quick_day
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _compile_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple, Sequence, set, frozenset):
        inner = [_numbers_and_dates(a) for a in args if a is not Ellipsis]

        def each(policy: ValuePolicy, value: Any) -> None:
            for item in value:
                for walk in inner:
                    walk(policy, item)
        return each
    if origin in (Union, UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            walk = _numbers_and_dates(options[0])
            return lambda policy, value: None if value is None else walk(policy, value)
    if annotation in (str, int, bool, UUID) or (
            isinstance(annotation, type) and issubclass(annotation, Enum)):
        return _skip
    return _careful


def _compile_model(model: type[BaseModel]) -> Walk:
    walks: list[tuple[str, Walk]] = []
    for name, info in model.__pydantic_fields__.items():
        walk = _numbers_and_dates(info.annotation)
        if walk is not _skip:
            walks.append((name, walk))

    def fields(policy: ValuePolicy, value: Any) -> None:
        fields = value.__dict__
        for name, walk in walks:
            walk(policy, fields.get(name))
    return fields


def _quick_money(policy: ValuePolicy, value: Money) -> None:
    amount = value.amount
    if not amount.is_finite() or abs(amount) > policy.max_amount:
        raise _Outside
    unit = _UNITS.get(value.currency)
    if unit is not None and amount != amount.quantize(unit):
        raise _Outside


def _quick_decimal(policy: ValuePolicy, value: Decimal) -> None:
    if not value.is_finite() or abs(value) > policy.max_amount:
        raise _Outside


def _quick_day(policy: ValuePolicy, value: date) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not policy.earliest <= day <= policy.latest:
        raise _Outside


def _careful(policy: ValuePolicy, value: Any) -> None:
    try:
        policy.check(value)
    except ValueRefused as exc:
        raise _Outside from exc


def _finite(value: Decimal | float) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


_UNITS = {currency: Decimal(1).scaleb(-places) for currency, places in MINOR_UNITS.items()}
_active = ValuePolicy()


def value_policy() -> ValuePolicy:
    """The policy in force in this process (the defaults until a service configures it)."""
    return _active


def use_value_policy(policy: ValuePolicy) -> None:
    """Set by the service host from its settings, once at start; every edge reads it."""
    global _active
    _active = policy
