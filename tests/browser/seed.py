"""A small demo company seeded through the services' write APIs (invoices, payments, a
dispute, a promise, a write-off, a dunning run); the services talk to each other over Kafka.
Dates are relative to today so the invoices land in most ageing buckets."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

import httpx

from ledgerline_events.runtime.auth import mint_token

from .stack import Stack

TODAY = datetime.now(UTC).date()

# customer, name, currency, [(days ago issued, net days, unit price before 20 % tax)]
INVOICES: list[tuple[str, str, str, list[tuple[int, int, str]]]] = [
    ("C-ACME", "Acme Tools GmbH", "EUR", [(130, 30, "1000.00"), (75, 30, "708.25"), (10, 30, "400.00")]),
    ("C-BOLT", "Bolt Supplies Inc", "USD", [(50, 30, "2500.00")]),
    ("C-CROWN", "Crown Textiles Ltd", "GBP", [(100, 14, "2500.00")]),
    ("C-DELTA", "Delta Foods SA", "EUR", [(40, 30, "500.00"), (20, 30, "150.00")]),
]


def at(days_ago: int) -> str:
    return datetime.combine(TODAY - timedelta(days=days_ago), clock_time(9), tzinfo=UTC).isoformat()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def auditor_headers() -> dict[str, str]:
    """Read access for the test's own look at the services (secret from the root conftest)."""
    token = mint_token(os.environ["LEDGERLINE_AUTH_JWT_SECRET"], "browser-test", ["auditor"])
    return {"Authorization": f"Bearer {token}"}


class Seeder:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        secret = os.environ["LEDGERLINE_AUTH_JWT_SECRET"]  # set by the root conftest
        token = mint_token(secret, "browser-seed", ["admin"])
        self.http = httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"})
        self.invoices: dict[str, list[dict[str, Any]]] = {}

    def call(self, service: str, method: str, path: str, key: str | None = None,
             **kwargs: Any) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        response = self.http.request(method, self.stack.url(service) + path, headers=headers, **kwargs)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def customer_total(self, customer: str) -> Decimal:
        ageing = self.call("collections", "GET", "/ageing", params={"customer_id": customer})
        return sum((Decimal(c["total"]) for c in ageing["currencies"].values()), Decimal(0))

    def issue_invoices(self) -> None:
        # Oldest first: a series is numbered chronologically (invoicing refuses an issue date
        # before the last numbered one).
        ordered = sorted(((days_ago, customer, name, currency, n, net_days, price)
                          for customer, name, currency, specs in INVOICES
                          for n, (days_ago, net_days, price) in enumerate(specs)), reverse=True)
        for days_ago, customer, name, currency, n, net_days, price in ordered:
            body = {"customer": {"customer_id": customer, "name": name}, "currency": currency,
                    "lines": [{"description": "Goods", "quantity": "1", "unit_price": price,
                               "tax_rate": "20"}],
                    "payment_terms": {"kind": "net", "net_days": net_days},
                    "issue_date": (TODAY - timedelta(days=days_ago)).isoformat(),
                    "occurred_at": at(days_ago)}
            issued = self.call("invoicing", "POST", "/invoices", f"seed-{customer}-{n}",
                               json=body)
            self.invoices.setdefault(customer, []).append(issued)

    def await_invoices(self) -> None:
        def everywhere() -> bool:
            cash = all(len(self.call("cash-application", "GET", f"/customers/{c}/open-items")
                           ["open_items"]) == len(v) for c, v in self.invoices.items())
            ageing = self.call("collections", "GET", "/ageing")["customers"]
            return cash and set(ageing) >= set(self.invoices)
        wait_for(everywhere, "cash-application and collections to see the invoices")

    def pay(self, key: str, amount: str, currency: str, days_ago: int, customer: str | None,
            remittance: str, payer: str) -> None:
        body = {"amount": {"amount": amount, "currency": currency},
                "received_on": (TODAY - timedelta(days=days_ago)).isoformat(),
                "customer_id": customer, "payer_name": payer, "remittance": remittance,
                "occurred_at": at(days_ago)}
        self.call("cash-application", "POST", "/payments", key, json=body)

    def run(self) -> None:
        """Seed, then wait until collections has seen every consequence."""
        self.issue_invoices()
        self.await_invoices()
        bolt, delta = self.invoices["C-BOLT"][0], self.invoices["C-DELTA"][0]
        self.pay("seed-pay-bolt", "1000.00", "USD", 5, "C-BOLT", bolt["invoice_number"], "Bolt Supplies")
        self.pay("seed-pay-delta", "600.00", "EUR", 3, "C-DELTA", delta["invoice_number"], "Delta Foods")
        self.pay("seed-pay-unknown", "275.50", "EUR", 2, None, "thanks", "J. Smith")
        crown, acme = self.invoices["C-CROWN"][0], self.invoices["C-ACME"]
        self.call("collections", "POST", f"/invoices/{crown['invoice_id']}/disputes", "seed-dispute",
                  json={"reason": "quality_complaint", "description": "torn fabric",
                        "amount": {"amount": "1000.00", "currency": "GBP"}})
        self.call("collections", "POST", "/customers/C-ACME/promises", "seed-promise",
                  json={"invoice_ids": [acme[1]["invoice_id"]],
                        "amount": {"amount": "849.90", "currency": "EUR"},
                        "promised_date": (TODAY + timedelta(days=7)).isoformat(), "recorded_by": "anna"})
        self.call("collections", "POST", f"/invoices/{acme[0]['invoice_id']}/write-offs", "seed-wo",
                  json={"amount": {"amount": "200.00", "currency": "EUR"}, "reason": "goodwill",
                        "approver": "cfo"})
        wait_for(lambda: self.customer_total("C-DELTA") == Decimal("180.00")
                 and self.customer_total("C-BOLT") == Decimal("2000.00")
                 and self.customer_total("C-ACME") == Decimal("2329.90")
                 and len(self.call("collections", "GET", "/disputes", params={"status": "open"})) == 1,
                 "collections to see payments, write-off and dispute")
        self.call("collections", "PUT", "/customers/C-ACME/contacts/ap", "seed-contact",
                  json={"role": "accounts_payable", "name": "Hanna Weber",
                        "email": "h.weber@acme.example",
                        "working_hours": "Mon-Thu 8-12"})
        self.call("collections", "POST", "/dunning-runs", json={})
        self.call("collections", "POST", f"/invoices/{acme[1]['invoice_id']}/copies", "seed-copy",
                  json={"reason": "never received the invoice"})

        def emailed() -> bool:
            account = self.call("collections", "GET", "/customers/C-ACME")
            return all(any(x.get("delivery") == "emailed" for x in account[kind])
                       for kind in ("dunning_history", "invoice_copies"))
        wait_for(emailed, "the letter post to e-mail Acme's letter and invoice copy (Mailpit)")
