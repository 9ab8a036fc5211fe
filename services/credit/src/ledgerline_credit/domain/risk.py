"""The customer's risk score: 0 (pays on time, keeps promises) to 100 (the opposite).

    score = 40 * min(average days late of paid invoices, 60) / 60
          + 30 * share of paid invoices paid late
          + 6  * min(broken promises to pay, 3)
          + 3  * min(disputes opened, 4)

rounded half up to a whole number. Each part is capped so that one habit alone cannot push a
customer to the top: chronic lateness counts most (70 points), then broken promises (18) and
disputes (12). A customer with no history scores 0; "no limit set" is what refers new customers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .exposure import PaymentBehaviour

LATENESS_POINTS = Decimal(40)
LATENESS_CAP_DAYS = Decimal(60)
SHARE_LATE_POINTS = Decimal(30)
POINTS_PER_BROKEN_PROMISE = 6
BROKEN_PROMISES_CAP = 3
POINTS_PER_DISPUTE = 3
DISPUTES_CAP = 4


def risk_score(behaviour: PaymentBehaviour) -> int:
    """The documented formula above, on a customer's payment behaviour."""
    lateness = LATENESS_POINTS * min(behaviour.average_days_late, LATENESS_CAP_DAYS)
    lateness /= LATENESS_CAP_DAYS
    share_late = Decimal(0)
    if behaviour.paid_invoices:
        share_late = SHARE_LATE_POINTS * behaviour.paid_late / behaviour.paid_invoices
    promises = POINTS_PER_BROKEN_PROMISE * min(behaviour.broken_promises, BROKEN_PROMISES_CAP)
    disputes = POINTS_PER_DISPUTE * min(behaviour.disputes_opened, DISPUTES_CAP)
    score = (lateness + share_late + promises + disputes).quantize(Decimal(1), ROUND_HALF_UP)
    return min(int(score), 100)
