"""Statutory late-payment interest and recovery costs (directive 2011/7/EU). In France (Code de
commerce L441-10) the ECB main refinancing rate plus 10 points and a fixed 40 EUR indemnity per
invoice paid late; in Italy (D.Lgs. 231/2002) the same rate plus 8 points and 40 EUR; elsewhere
in the EU the directive's plus 8 points.

Interest accrues per invoice, day by day, on the amount actually open that day, from the day
after the due date to the as-of date. The reference rate of a day is the one in force on the
first day of its half-year (1 January, 1 July), as both laws say; the year has 365 or 366 days.
The sum is rounded to the currency's minor unit once, at the end, so a replay gives the same
cent. A contract may agree its own rate, or none (consumers); days under an open dispute do
not count when the policy suspends them. The fixed indemnity is in euros: it is counted on EUR
invoices only (no exchange rates here). Pure: the figures come in, the accrual goes out."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerline_events.contract import Event
from ledgerline_events.contract.late_interest import LateInterestClaimed, LateInterestWaived
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict


@dataclass(frozen=True)
class ReferenceRate:
    valid_from: date
    rate: Decimal  # percent a year, e.g. 4.50


@dataclass(frozen=True)
class InterestPolicy:
    margin: Decimal  # points above the reference rate
    indemnity: Decimal  # fixed recovery costs, once per invoice paid late
    agreed_rate: Decimal | None = None  # a contract's own yearly rate, instead of the law's
    charged: bool = True  # False: no interest and no indemnity (consumers, a waiver by contract)
    suspended_while_disputed: bool = True


DIRECTIVE = InterestPolicy(Decimal(8), Decimal(40))
STATUTORY = {"FR": InterestPolicy(Decimal(10), Decimal(40)), "IT": DIRECTIVE}


def policy_for(country: str) -> InterestPolicy:
    return STATUTORY.get(country, DIRECTIVE)


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end` inclusive (`end` None: still going)."""

    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Accrual:
    interest: Decimal  # rounded to the minor unit
    indemnity: Decimal
    days_accrued: int  # days that carried interest

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def reference_rate(rates: Sequence[ReferenceRate], day: date) -> Decimal:
    """The rate in force on the first day of `day`'s half-year."""
    semester = date(day.year, 1 if day.month <= 6 else 7, 1)
    in_force = [r for r in rates if r.valid_from <= semester]
    if not in_force:
        raise StateConflict("reference_rate_known", f"no reference rate in force on "
                            f"{semester.isoformat()}: record it (PUT /reference-rates/{{date}})",
                            "as_of")
    return max(in_force, key=lambda r: r.valid_from).rate


def late_interest(due: date, movements: Sequence[tuple[date, Decimal]], as_of: date,
                  currency: str, rates: Sequence[ReferenceRate], policy: InterestPolicy,
                  disputes: Sequence[Period] = ()) -> Accrual:
    """The interest and indemnity an invoice has earned by `as_of`. `movements`: the dated
    changes of its open amount (issue +gross, payments and credits -), any order."""
    if not policy.charged:
        none = quantize(Decimal(0), currency)
        return Accrual(none, none, 0)
    changes = sorted(movements)
    total, days, seen, open_amount = Decimal(0), 0, 0, Decimal(0)
    day = due + timedelta(days=1)
    while seen < len(changes) and changes[seen][0] < day:  # what was open when it fell due
        open_amount += changes[seen][1]
        seen += 1
    while day <= as_of:
        while seen < len(changes) and changes[seen][0] <= day:
            open_amount += changes[seen][1]
            seen += 1
        suspended = policy.suspended_while_disputed and any(p.covers(day) for p in disputes)
        if open_amount > 0 and not suspended:
            yearly = (policy.agreed_rate if policy.agreed_rate is not None
                      else reference_rate(rates, day) + policy.margin)
            total += open_amount * yearly / 100 / _days_in(day.year)
            days += 1
        day += timedelta(days=1)
    indemnity = quantize(policy.indemnity if days and currency == "EUR" else Decimal(0), currency)
    return Accrual(quantize(total, currency), indemnity, days)


def _days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


@dataclass(frozen=True)
class Settled:
    """What was claimed or waived on an invoice so far."""

    interest: Decimal = Decimal(0)
    indemnity: Decimal = Decimal(0)
    as_of: date | None = None  # up to when


def settled_of(history: Iterable[Event], up_to: date | None = None) -> Settled:
    """What the claims and waivers took; with `up_to`, only those up to that day by their own
    `as_of`, the date a claim's interest note is issued on: a statement to that day then shows
    the note and subtracts its claim, never one without the other."""
    settled = Settled()
    for event in history:
        if isinstance(event, LateInterestClaimed | LateInterestWaived) and (
                up_to is None or event.as_of <= up_to):
            settled = Settled(settled.interest + event.interest.amount,
                              settled.indemnity + event.indemnity.amount, event.as_of)
    return settled


def unsettled(accrual: Accrual, settled: Settled) -> tuple[Decimal, Decimal]:
    """The interest earned beyond what was claimed or waived, and the indemnity if it never
    was: what a statement shows as accrued and not yet invoiced."""
    none = 0 * accrual.indemnity  # zero, in the minor unit the accrual was rounded to
    interest = max(accrual.interest - settled.interest, none)
    return interest, accrual.indemnity if not settled.indemnity else none


def still_due(accrual: Accrual, settled: Settled, as_of: date) -> tuple[Decimal, Decimal]:
    """What a claim or waiver up to `as_of` takes: never back before the last one, never
    nothing."""
    if settled.as_of is not None and as_of < settled.as_of:
        raise InvalidRequest("after_last_claim", f"interest was claimed or waived up to "
                             f"{settled.as_of.isoformat()}: a later date only", "as_of")
    interest, indemnity = unsettled(accrual, settled)
    if not interest and not indemnity:
        raise StateConflict("nothing_due", f"nothing earned up to {as_of.isoformat()} that "
                            "was not claimed or waived", "as_of")
    return interest, indemnity


def second_person(waived_by: str, approved_by: str) -> None:
    """A waiver gives money away: someone else approves it."""
    if waived_by == approved_by:
        raise InvalidRequest("second_person", "a waiver is approved by someone else",
                             "approved_by")
