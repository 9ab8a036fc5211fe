"""What a recorded payment's response says: the payment, who paid, and each allocation why."""

from __future__ import annotations

from typing import Any

from ledgerline_events.contract.cash_application import PaymentAllocated

from ..adapters.statements import StatementLine
from ..domain.auto_match import Applied


def applied_result(
    payment_id: str, line: StatementLine, customer_id: str | None, identified_by: str,
    applied: Applied,
) -> dict[str, Any]:
    allocations = [
        {"allocation_id": e.allocation_id, "invoice_id": e.invoice_id,
         "amount": e.amount.model_dump(mode="json"),
         "discount": e.discount.model_dump(mode="json") if e.discount else None,
         "match_reason": e.match_reason.value, "explanation": e.explanation}
        for e in applied.events if isinstance(e, PaymentAllocated)
    ]
    unapplied = applied.match.unapplied
    return {
        "payment_id": payment_id,
        "statement_ref": line.statement_ref or None,
        "entry_ref": line.entry_ref or None,
        "amount": line.amount.model_dump(mode="json"),
        "customer_id": customer_id,
        "identified_by": identified_by,
        "outcome": applied.match.outcome.value,
        "explanation": applied.match.explanation,
        "allocations": allocations,
        "unapplied": unapplied.model_dump(mode="json") if unapplied else None,
    }
