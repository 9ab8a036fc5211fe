"""Statutory late-payment interest, table by table: the law's rate per half-year, the amount open
each day, credit notes, disputes that suspend, leap years, and the 40 EUR once per invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerline_collections.domain.late_interest import (
    Accrual,
    InterestPolicy,
    Period,
    ReferenceRate,
    late_interest,
    policy_for,
    reference_rate,
)
from ledgerline_events.contract.refusals import StateConflict

D = Decimal
# The ECB main refinancing rate as it was set (valid from), a cut inside a half-year included.
ECB = [ReferenceRate(date(2023, 9, 20), D("4.50")), ReferenceRate(date(2024, 6, 12), D("4.25")),
       ReferenceRate(date(2024, 9, 18), D("3.65")), ReferenceRate(date(2025, 6, 11), D("2.15"))]
FR, IT = policy_for("FR"), policy_for("IT")


def test_the_rate_of_a_day_is_the_one_in_force_when_its_half_year_began() -> None:
    assert reference_rate(ECB, date(2024, 6, 30)) == D("4.50")  # cut of 12 June: not before July
    assert reference_rate(ECB, date(2024, 7, 1)) == D("4.25")
    assert reference_rate(ECB, date(2024, 12, 31)) == D("4.25")  # 18 September: from January
    assert reference_rate(ECB, date(2025, 1, 1)) == D("3.65")
    with pytest.raises(StateConflict, match="2023-01-01"):
        reference_rate(ECB, date(2023, 6, 30))


CASES = [
    # what, due, movements (day, change of the open amount), as of, policy, disputes, expected
    ("30 days late in France: (4.50 + 10) % on 1000.00", date(2024, 1, 31),
     [(date(2024, 1, 1), D("1000.00"))], date(2024, 3, 1), FR, [],
     Accrual(D("11.89"), D(40), 30)),  # 1000 x 14.5 % x 30 / 366 (2024 is a leap year)
    ("Italy adds 8 points", date(2024, 1, 31),
     [(date(2024, 1, 1), D("1000.00"))], date(2024, 3, 1), IT, [],
     Accrual(D("10.25"), D(40), 30)),  # 1000 x 12.5 % x 30 / 366
    ("across 1 July the rate changes with the half-year", date(2024, 6, 15),
     [(date(2024, 5, 1), D("1000.00"))], date(2024, 7, 15), FR, [],
     # 15 days (16-30 June) at 14.50 %, 15 days (1-15 July) at 14.25 %, over 366
     Accrual(D("11.78"), D(40), 30)),
    ("a partial payment lowers what accrues from its day", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00")), (date(2025, 2, 15), D("-600.00"))],
     date(2025, 3, 2), FR, [],
     # 14 days (1-14 Feb) on 1000, 16 days (15 Feb-2 Mar) on 400, at 13.65 %, over 365
     Accrual(D("7.63"), D(40), 30)),
    ("a credit note before the due date: interest only on the rest", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00")), (date(2025, 1, 20), D("-250.00"))],
     date(2025, 3, 2), FR, [],
     Accrual(D("8.41"), D(40), 30)),  # 750 x 13.65 % x 30 / 365 = 8.414
    ("paid on the due date: nothing, not even the indemnity", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00")), (date(2025, 1, 31), D("-1000.00"))],
     date(2025, 6, 30), FR, [], Accrual(D(0), D(0), 0)),
    ("paid in full later: interest stops, the 40 EUR stays once", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00")), (date(2025, 2, 10), D("-1000.00"))],
     date(2025, 12, 31), FR, [], Accrual(D("3.37"), D(40), 9)),  # 9 days (1-9 Feb)
    ("a dispute suspends interest while it is open", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00"))], date(2025, 3, 2), FR,
     [Period(date(2025, 2, 5), date(2025, 2, 24))],  # 20 of the 30 days
     Accrual(D("3.74"), D(40), 10)),
    ("disputed the whole time: neither interest nor indemnity", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00"))], date(2025, 3, 2), FR,
     [Period(date(2025, 1, 25), None)], Accrual(D(0), D(0), 0)),
    ("a policy that does not suspend on disputes", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00"))], date(2025, 3, 2),
     InterestPolicy(D(10), D(40), suspended_while_disputed=False),
     [Period(date(2025, 2, 5), date(2025, 2, 24))], Accrual(D("11.22"), D(40), 30)),
    ("29 February counts, over a 366-day year", date(2028, 2, 28),
     [(date(2028, 1, 1), D("36600.00"))], date(2028, 3, 1), InterestPolicy(
         D(0), D(40), agreed_rate=D(10)), [],
     Accrual(D("20.00"), D(40), 2)),  # 36600 x 10 % x 2 / 366: 29 Feb and 1 Mar
    ("an agreed rate replaces the law's", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00"))], date(2025, 3, 2),
     InterestPolicy(D(10), D(40), agreed_rate=D(5)), [],
     Accrual(D("4.11"), D(40), 30)),  # 1000 x 5 % x 30 / 365
    ("a consumer: no statutory interest", date(2025, 1, 31),
     [(date(2025, 1, 1), D("1000.00"))], date(2025, 3, 2),
     InterestPolicy(D(10), D(40), charged=False), [], Accrual(D(0), D(0), 0)),
    ("the cent is rounded once, at the end", date(2025, 1, 31),
     [(date(2025, 1, 1), D("0.10"))], date(2025, 12, 31), FR, [],
     Accrual(D("0.01"), D(40), 334)),  # 334 days of 0.0000374 each: 0.0125 in all
]


@pytest.mark.parametrize(("what", "due", "movements", "as_of", "policy", "disputes", "expected"),
                         CASES, ids=[c[0] for c in CASES])
def test_late_payment_interest(what: str, due: date, movements: list[tuple[date, Decimal]],
                               as_of: date, policy: InterestPolicy, disputes: list[Period],
                               expected: Accrual) -> None:
    assert late_interest(due, movements, as_of, "EUR", ECB, policy, disputes) == expected


def test_the_40_eur_indemnity_is_counted_on_euro_invoices_only() -> None:
    usd = late_interest(date(2025, 1, 31), [(date(2025, 1, 1), D("1000.00"))],
                        date(2025, 3, 2), "USD", ECB, FR)
    assert (usd.interest, usd.indemnity) == (D("11.22"), D(0))
