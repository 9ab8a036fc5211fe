"""Exact subset sums, the search behind matching by a combination of invoices."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations


def exact_combinations(
    amounts: list[Decimal], target: Decimal, max_size: int
) -> list[tuple[int, ...]]:
    """Index tuples of 1..max_size amounts adding up exactly to `target`, smallest first.

    Stops at the first size that has a solution: a larger set is never preferred.
    """
    for size in range(1, max_size + 1):
        found = [c for c in combinations(range(len(amounts)), size)
                 if sum((amounts[k] for k in c), Decimal(0)) == target]
        if found:
            return found
    return []
