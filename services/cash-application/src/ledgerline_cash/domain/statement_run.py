"""A statement file's entries, matched one after another against the open items as the file
goes: each entry sees what the earlier ones allocated and which payer accounts they taught.

The application reads the open items and the known accounts once for the whole file (under
the invoices' locks) and records every decision in one write; the rules are the single
payment's: `identify` is who paid, `open_invoices` what each of their invoices can take at
the entry's instant (clearing.least_open_from over its dated movements).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import PaymentAllocated

from .auto_match import Applied
from .clearing import Moved, least_open_from
from .identification import account_key, number_keys_in
from .matching import OpenInvoice


@dataclass
class OpenBalance:
    """One invoice of the file's customers: its open amount now and its dated movements."""

    customer_id: str
    number_key: str
    invoice: OpenInvoice
    moves: list[Moved] = field(default_factory=list)

    @property
    def open_now(self) -> Decimal:
        return self.invoice.open_amount.amount

    def open_at(self, at: datetime) -> Decimal:
        since = max(at, self.invoice.issued_at)
        if all(m.at <= since for m in self.moves):
            return self.open_now  # nothing moves it later: what is open now is open then
        return least_open_from(self.open_now, self.moves, since)


class StatementRun:
    """The open items and payer accounts a file's entries are matched against, in file order."""

    def __init__(self, balances: Iterable[OpenBalance], accounts: dict[str, str]) -> None:
        self._by_id = {b.invoice.invoice_id: b for b in balances}
        self._by_key: dict[str, list[OpenBalance]] = defaultdict(list)
        self._by_customer: dict[str, list[OpenBalance]] = defaultdict(list)
        for balance in sorted(self._by_id.values(), key=lambda b: b.invoice.invoice_id):
            self._by_key[balance.number_key].append(balance)
            self._by_customer[balance.customer_id].append(balance)
        self._accounts = dict(accounts)
        self.learned: dict[str, str] = {}
        """Accounts the file taught (account key -> customer), to be remembered."""

    def identify(self, remittance: str, payer_account: str) -> tuple[str | None, str]:
        """Who paid: the one customer whose open invoice numbers the remittance names, else
        the customer known for the paying account."""
        named = {b.customer_id for key in number_keys_in(remittance)
                 for b in self._by_key.get(key, ()) if b.open_now > 0}
        if len(named) == 1:
            return next(iter(named)), "remittance_reference"
        known = self._accounts.get(account_key(payer_account)) if payer_account else None
        if known:
            return known, "payer_account"
        return None, "unidentified"

    def open_invoices(self, customer_id: str, currency: str, at: datetime) -> list[OpenInvoice]:
        """The customer's invoices in `currency` that can take something at `at` (or at their
        issue, if later), each with that much open."""
        found = []
        for balance in self._by_customer.get(customer_id, ()):
            if balance.invoice.open_amount.currency != currency or balance.open_now <= 0:
                continue
            open_at = balance.open_at(at)
            if open_at == balance.open_now:
                found.append(balance.invoice)
            elif open_at > 0:
                found.append(replace(balance.invoice, open_amount=Money.of(open_at, currency)))
        return found

    def took(self, applied: Applied) -> None:
        """An entry's allocations, off their invoices at their instants."""
        for event, at in applied.dated:
            if isinstance(event, PaymentAllocated):
                balance = self._by_id[event.invoice_id]
                settled = event.amount.amount + (event.discount.amount if event.discount else 0)
                balance.invoice = replace(balance.invoice, open_amount=Money.of(
                    balance.open_now - settled, event.amount.currency))
                balance.moves.append(Moved(at, -settled))

    def learn(self, payer_account: str, customer_id: str) -> None:
        if payer_account:
            key = account_key(payer_account)
            self._accounts[key] = self.learned[key] = customer_id
