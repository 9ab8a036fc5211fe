"""Differences between two reports of the same figures, row by row (customer / invoice)."""

from __future__ import annotations

from dataclasses import dataclass

from .reports import Report, ReportRow


@dataclass(frozen=True)
class Difference:
    """One figure that is not the same: `expected` is the reference (the live projection or
    the stored report), `actual` the rebuild; None where the row is missing on that side."""

    section: str
    customer_id: str
    currency: str
    item: str
    measure: str
    expected: str | None
    actual: str | None

    def describe(self) -> str:
        where = " ".join(p for p in (
            self.section, f"customer={self.customer_id}" if self.customer_id else "",
            self.currency, f"invoice={self.item}" if self.item else "", self.measure) if p)
        return f"{where}: expected {self.expected or '-'}, rebuilt {self.actual or '-'}"


def differences(expected: Report, actual: Report) -> list[Difference]:
    """Every row whose amount differs or that exists on one side only, in report order."""
    left = {r.key: r for r in expected.rows}
    right = {r.key: r for r in actual.rows}
    found = []
    for key in sorted(left.keys() | right.keys()):
        a, b = _amount(left.get(key)), _amount(right.get(key))
        if a != b:
            found.append(Difference(*key, a, b))
    return found


def _amount(row: ReportRow | None) -> str | None:
    return row.amount if row is not None else None


def changed_items(found: list[Difference], section: str = "ageing_item") -> set[str]:
    """The invoices (or other items) of one section that differ."""
    return {d.item for d in found if d.section == section}
