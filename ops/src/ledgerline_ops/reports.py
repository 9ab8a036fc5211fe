"""A report as auditors get it: flat rows (section, customer, currency, item, measure, amount)
with a canonical form and its SHA-256 checksum, written and read as JSON or CSV.

Canonical form: rows sorted by (section, customer, currency, item, measure), amounts as plain
decimal strings without exponent or trailing zeros ("120.5", "0"), the report name and its
as-of instant (ISO 8601, UTC) first. The same figures always give the same checksum.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

COLUMNS = ("section", "customer_id", "currency", "item", "measure", "amount")


def canonical_amount(value: Decimal | int | str) -> str:
    """'120.50' -> '120.5', '1E+2' -> '100', '-0' -> '0'."""
    amount = Decimal(value)
    if amount == 0:
        return "0"
    return format(amount.normalize(), "f")


@dataclass(frozen=True, order=True)
class ReportRow:
    section: str
    customer_id: str
    currency: str
    item: str
    measure: str
    amount: str

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.section, self.customer_id, self.currency, self.item, self.measure)

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> ReportRow:
        text = {c: str(raw[c] or "") for c in COLUMNS[:-1]}
        return cls(text["section"], text["customer_id"], text["currency"], text["item"],
                   text["measure"], canonical_amount(raw["amount"]))


@dataclass(frozen=True)
class Report:
    """`name` says what it is (e.g. `collections.ageing_and_balances`), `as_of` which instant."""

    name: str
    as_of: datetime | None
    rows: tuple[ReportRow, ...] = field(default_factory=tuple)

    @classmethod
    def build(cls, name: str, as_of: datetime | None, rows: Iterable[Mapping[str, Any]]) -> Report:
        return cls(name, as_of.astimezone(UTC) if as_of else None,
                   tuple(sorted(ReportRow.of(r) for r in rows)))

    @property
    def as_of_text(self) -> str:
        return self.as_of.isoformat() if self.as_of else ""

    def only(self, *sections: str) -> Report:
        return Report(self.name, self.as_of, tuple(r for r in self.rows if r.section in sections))

    def of_customer(self, customer_id: str | None) -> Report:
        """One customer's rows (all of them with None)."""
        if customer_id is None:
            return self
        return Report(self.name, self.as_of,
                      tuple(r for r in self.rows if r.customer_id == customer_id))

    def canonical(self) -> bytes:
        body = {"report": self.name, "as_of": self.as_of_text,
                "rows": [[*r.key, r.amount] for r in self.rows]}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode()

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def totals(self, section: str = "balance") -> dict[str, str]:
        """Sum of one section's amounts per currency (the month-end totals)."""
        sums: dict[str, Decimal] = {}
        for r in self.rows:
            if r.section == section:
                sums[r.currency] = sums.get(r.currency, Decimal(0)) + Decimal(r.amount)
        return {c: canonical_amount(v) for c, v in sorted(sums.items())}

    def to_json(self) -> str:
        return json.dumps({
            "report": self.name, "as_of": self.as_of_text, "checksum": self.checksum,
            "row_count": len(self.rows), "rows": [dict(zip(COLUMNS, (*r.key, r.amount), strict=True))
                                                  for r in self.rows],
        }, indent=1) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("report", "as_of", *COLUMNS))
        for r in self.rows:
            writer.writerow((self.name, self.as_of_text, *r.key, r.amount))
        return out.getvalue()

    def render(self, fmt: str) -> str:
        return self.to_csv() if fmt == "csv" else self.to_json()


def write_report(report: Report, path: Path, fmt: str = "json") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.render(fmt), encoding="utf-8")
    return path


def load_report(path: Path) -> Report:
    """Read a report written by `export`/`close-month` (JSON or CSV, by file extension)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        name = rows[0]["report"] if rows else ""
        as_of = rows[0]["as_of"] if rows else ""
    else:
        data = json.loads(text)
        name, as_of, rows = data["report"], data["as_of"], data["rows"]
    return Report.build(name, datetime.fromisoformat(as_of) if as_of else None, rows)
