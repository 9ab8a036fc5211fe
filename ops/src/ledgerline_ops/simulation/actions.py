"""What people at the simulated company do through the services' APIs, each dated with its
business instant (`occurred_at`), each with a deterministic idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .services import Services, call


def at_noon(day: date) -> str:
    return datetime.combine(day, time(12), tzinfo=UTC).isoformat()


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(amount), "currency": currency}


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    number: str
    customer_id: str
    currency: str
    gross: Decimal
    issue_date: date
    due_date: date


@dataclass(frozen=True)
class Planned:
    """A dated action on an invoice: credit_note, dispute, resolve_liable, resolve_credit,
    write_off or promise."""

    on: date
    kind: str
    invoice: Invoice
    amount: Decimal | None = None
    until: date | None = None


class Desk:
    """The AR team: credit notes, disputes, write-offs, promises, dunning, reversals."""

    def __init__(self, services: Services, seed: int) -> None:
        self.s = services
        self.seed = seed
        self.disputes: dict[str, str] = {}

    def key(self, *parts: object) -> dict[str, str]:
        return {"Idempotency-Key": ":".join(["sim", str(self.seed), *map(str, parts)])}

    async def do(self, p: Planned) -> bool:
        """Carry out one planned action; False when a service refused it (e.g. nothing open)."""
        handler = getattr(self, p.kind)
        response: bool = await handler(p)
        return response

    async def credit_note(self, p: Planned) -> bool:
        body: dict[str, Any] = {"reason": "goods returned", "occurred_at": at_noon(p.on)}
        if p.amount is not None:
            body["amount"] = _money(p.amount, p.invoice.currency)
        r = await call(self.s.invoicing, "POST", f"/invoices/{p.invoice.invoice_id}/credit-notes",
                       json=body, headers=self.key("cn", p.invoice.invoice_id, p.on), ok=(409,))
        return r.status_code < 300

    async def dispute(self, p: Planned) -> bool:
        r = await call(self.s.collections, "POST", f"/invoices/{p.invoice.invoice_id}/disputes",
                       json={"reason": "quality_complaint", "occurred_at": at_noon(p.on)},
                       headers=self.key("dispute", p.invoice.invoice_id), ok=(404, 409, 422))
        if r.status_code < 300:
            self.disputes[p.invoice.invoice_id] = r.json()["dispute_id"]
        return r.status_code < 300

    async def resolve_liable(self, p: Planned) -> bool:
        return await self._resolve(p, "customer_liable")

    async def resolve_credit(self, p: Planned) -> bool:
        if not await self._resolve(p, "credit_note"):
            return False
        return await self.credit_note(Planned(p.on, "credit_note", p.invoice))

    async def _resolve(self, p: Planned, outcome: str) -> bool:
        dispute_id = self.disputes.get(p.invoice.invoice_id)
        if dispute_id is None:
            return False
        r = await call(self.s.collections, "POST", f"/disputes/{dispute_id}/resolve",
                       json={"outcome": outcome, "occurred_at": at_noon(p.on)},
                       headers=self.key("resolve", dispute_id), ok=(409,))
        return r.status_code < 300

    async def write_off(self, p: Planned) -> bool:
        r = await call(self.s.collections, "POST", f"/invoices/{p.invoice.invoice_id}/write-offs",
                       json={"reason": "customer insolvent", "approver": "cfo",
                             "occurred_at": at_noon(p.on)},
                       headers=self.key("write-off", p.invoice.invoice_id), ok=(404, 409, 422))
        return r.status_code < 300

    async def promise(self, p: Planned) -> bool:
        assert p.amount is not None and p.until is not None
        r = await call(self.s.collections, "POST", f"/customers/{p.invoice.customer_id}/promises",
                       json={"invoice_ids": [p.invoice.invoice_id],
                             "amount": _money(p.amount, p.invoice.currency),
                             "promised_date": p.until.isoformat(), "recorded_by": "collector",
                             "occurred_at": at_noon(p.on)},
                       headers=self.key("promise", p.invoice.invoice_id), ok=(404, 409, 422))
        return r.status_code < 300

    async def dunning_run(self, day: date) -> int:
        r = await call(self.s.collections, "POST", "/dunning-runs", json={
            "run_date": day.isoformat(),
            "occurred_at": datetime.combine(day, time(6), tzinfo=UTC).isoformat()})
        sent: int = r.json()["letters_sent"]
        return sent

    async def evaluate_promises(self, day: date) -> None:
        await call(self.s.collections, "POST", "/promises/evaluate",
                   json={"as_of": day.isoformat(), "occurred_at": at_noon(day)})

    async def reverse_payment(self, payment_id: str) -> bool:
        """A payment bounced (the API dates the reversal now: it has no business time yet)."""
        r = await call(self.s.cash_application, "POST", f"/payments/{payment_id}/reverse",
                       json={"reason": "returned by the bank"}, headers=self.key("rev", payment_id),
                       ok=(409, 422))
        return r.status_code < 300

    async def set_limit(self, customer_id: str, currency: str, limit: Decimal, on: date) -> None:
        """The limit in force from `on` (credit checks are as of the order's date)."""
        await call(self.s.credit, "PUT", f"/customers/{customer_id}/credit-limits/{currency}",
                   json={"limit": str(limit), "set_by": "credit-manager", "reason": "onboarding",
                         "occurred_at": at_noon(on - timedelta(days=1))})

    async def credit_check(self, customer_id: str, order_id: str, amount: Decimal,
                           currency: str, on: date) -> str:
        """The sales system asks on the order's date; the check answers as of that date."""
        r = await call(self.s.credit, "POST", "/credit-checks", json={
            "customer_id": customer_id, "order_ref": order_id, "as_of": on.isoformat(),
            "amount": _money(amount, currency)}, headers=self.key("check", order_id))
        decision: str = r.json()["decision"]
        return decision


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]
