"""The bank: one CSV statement per simulated week with the customers' payments
(cash application's CSV statement format)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from .world import PlannedPayment

HEADER = ("statement_ref", "entry_ref", "booking_date", "amount", "currency", "payer_name",
          "payer_account", "remittance")


def csv_statement(statement_ref: str, payments: Sequence[PlannedPayment]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n, p in enumerate(sorted(payments, key=lambda p: (p.pay_on, p.customer.id, p.invoice_id)), 1):
        remittance = f"Invoice {p.invoice_number}" if p.with_reference else ""
        writer.writerow((statement_ref, f"E{n:05d}", p.pay_on.isoformat(), str(p.amount),
                         p.customer.currency, p.customer.customer.name, p.customer.payer_account,
                         remittance))
    return out.getvalue().encode()
