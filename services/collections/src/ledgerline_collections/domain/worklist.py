"""The collector's worklist: customer accounts ordered by how urgently they need a call.

Priority score of an account (one customer, one currency), higher first:

    score = 10 x log10(1 + overdue amount)          # 1,000 -> 30; 100,000 -> 50
          + min(oldest days overdue, 180) / 6       # up to 30 points, 90 days -> 15
          + 15 x broken promises                     # each broken promise weighs like 90 days
          + 5 x dunning level rank                   # friendly 5 ... agency hand-over 20

The amount term is logarithmic so one huge account does not bury every other one; amounts
are nominal in the account's currency (no FX conversion). Disputed amounts are not overdue
for this purpose (the caller leaves them out). Rounded to 2 decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ledgerline_events.contract.collections import DunningLevel

from .dunning import level_rank

MAX_DAYS_COUNTED = 180


@dataclass(frozen=True)
class AccountToCollect:
    customer_id: str
    currency: str
    overdue_amount: Decimal
    oldest_days_overdue: int
    broken_promises: int
    dunning_level: DunningLevel | None


def priority_score(account: AccountToCollect) -> Decimal:
    """How urgently the account needs a collector (see the module docstring)."""
    amount = max(account.overdue_amount, Decimal(0))
    days = Decimal(min(max(account.oldest_days_overdue, 0), MAX_DAYS_COUNTED))
    score = (
        10 * (1 + amount).log10()
        + days / 6
        + 15 * account.broken_promises
        + 5 * level_rank(account.dunning_level)
    )
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def prioritize(accounts: Iterable[AccountToCollect]) -> list[tuple[AccountToCollect, Decimal]]:
    """Accounts with something overdue, most urgent first (ties: larger amount first)."""
    scored = [(a, priority_score(a)) for a in accounts if a.overdue_amount > 0]
    return sorted(scored, key=lambda s: (-s[1], -s[0].overdue_amount, s[0].customer_id))
