"""Payment terms: when an invoice falls due and until when an early-payment discount holds."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from ledgerline_events.contract.invoicing import EarlyPaymentDiscount
from ledgerline_events.contract.money import Money, quantize
from ledgerline_events.contract.sales import PaymentTerms, TermsKind


def end_of_month(day: date) -> date:
    """The last calendar day of the month `day` falls in (29 February in leap years)."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=last)


def due_date(terms: PaymentTerms, issue_date: date) -> date:
    """The day the full amount is due.

    net N: issue date + N days; end of month + N: the last day of the issue month + N days;
    early-payment discount (e.g. 2/10 net 30): issue date + net days, the discount being an
    option to pay less earlier, not a change of due date.
    """
    if terms.kind is TermsKind.END_OF_MONTH:
        return end_of_month(issue_date) + timedelta(days=terms.net_days)
    return issue_date + timedelta(days=terms.net_days)


def discount_deadline(terms: PaymentTerms, issue_date: date) -> date | None:
    """The last day a payment still earns the early-payment discount (None without one)."""
    if terms.kind is not TermsKind.EARLY_PAYMENT_DISCOUNT or terms.discount_days is None:
        return None
    return issue_date + timedelta(days=terms.discount_days)


def early_payment_discount(terms: PaymentTerms, gross_total: Money) -> Money | None:
    """The discount a timely payer may deduct: gross x percent, rounded to the minor unit."""
    if terms.discount_percent is None:
        return None
    amount = gross_total.amount * terms.discount_percent / Decimal(100)
    return Money(amount=quantize(amount, gross_total.currency), currency=gross_total.currency)


def discount_offered(
    terms: PaymentTerms, issue_date: date, gross_total: Money
) -> EarlyPaymentDiscount | None:
    """The early-payment discount the invoice carries, so that no reader derives it again."""
    amount, until = early_payment_discount(terms, gross_total), discount_deadline(terms, issue_date)
    if amount is None or until is None:
        return None
    return EarlyPaymentDiscount(amount=amount, until=until)
