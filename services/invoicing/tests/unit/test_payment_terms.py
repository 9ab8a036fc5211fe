"""Due dates and early-payment discounts for each kind of payment terms."""

from datetime import date
from decimal import Decimal

import pytest

from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import PaymentTerms, TermsKind
from ledgerline_invoicing.domain.terms import (
    discount_deadline,
    due_date,
    early_payment_discount,
    end_of_month,
)

NET_30 = PaymentTerms(kind=TermsKind.NET, net_days=30)
EOM_30 = PaymentTerms(kind=TermsKind.END_OF_MONTH, net_days=30)
EOM_0 = PaymentTerms(kind=TermsKind.END_OF_MONTH, net_days=0)
TWO_10_NET_30 = PaymentTerms(
    kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30, discount_days=10,
    discount_percent=Decimal("2"),
)


@pytest.mark.parametrize(
    ("terms", "issued", "due"),
    [
        (NET_30, date(2026, 3, 1), date(2026, 3, 31)),
        (NET_30, date(2026, 12, 15), date(2027, 1, 14)),  # across the year end
        (NET_30, date(2028, 2, 1), date(2028, 3, 2)),  # leap year: 29 days in February
        (PaymentTerms(kind=TermsKind.NET, net_days=0), date(2026, 5, 5), date(2026, 5, 5)),
        (EOM_30, date(2026, 1, 10), date(2026, 3, 2)),  # 31 Jan + 30 days
        (EOM_30, date(2026, 2, 1), date(2026, 3, 30)),  # 28 Feb + 30 days
        (EOM_30, date(2028, 2, 1), date(2028, 3, 30)),  # 29 Feb (leap) + 30 days
        (EOM_0, date(2026, 4, 30), date(2026, 4, 30)),  # issued on the month end itself
        (EOM_0, date(2024, 2, 3), date(2024, 2, 29)),
        (TWO_10_NET_30, date(2026, 3, 1), date(2026, 3, 31)),  # discount does not move due date
    ],
)
def test_due_date_follows_the_terms(terms: PaymentTerms, issued: date, due: date) -> None:
    assert due_date(terms, issued) == due


@pytest.mark.parametrize(
    ("day", "month_end"),
    [(date(2026, 1, 31), date(2026, 1, 31)), (date(2100, 2, 10), date(2100, 2, 28)),
     (date(2000, 2, 10), date(2000, 2, 29)), (date(2026, 11, 1), date(2026, 11, 30))],
)
def test_end_of_month_knows_leap_years(day: date, month_end: date) -> None:
    assert end_of_month(day) == month_end


def test_early_payment_discount_window_and_amount() -> None:
    issued = date(2026, 3, 1)
    assert discount_deadline(TWO_10_NET_30, issued) == date(2026, 3, 11)
    assert early_payment_discount(TWO_10_NET_30, Money.of("1234.56", "EUR")) == Money.of(
        "24.69", "EUR"
    )


def test_terms_without_discount_have_no_window() -> None:
    assert discount_deadline(NET_30, date(2026, 3, 1)) is None
    assert early_payment_discount(NET_30, Money.of("100", "EUR")) is None
