"""Why a payment's payer is still unknown, in the words a person at the unapplied queue needs:
what the remittance named, whether the paying account is known, which invoices the amount fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledgerline_events.contract import Money

_TOKEN = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class IdentificationFacts:
    """What the read model knows now about an unidentified payment's clues."""

    amount: Money
    payer_account: str
    named_invoices: dict[str, str]  # open invoice number named in the remittance -> customer
    account_customer: str | None  # the customer the paying account is known for, if any
    same_amount_customers: tuple[str, ...]  # customers with an open invoice of exactly the amount


def number_keys_in(remittance: str) -> set[str]:
    """Every way the remittance could spell an invoice number once separators and case are
    dropped (`INV 2026 0001` -> `INV20260001`): runs of up to four tokens."""
    tokens = [t.upper() for t in _TOKEN.findall(remittance)][:200]
    return {"".join(tokens[i:i + n]) for n in range(1, 5) for i in range(len(tokens) - n + 1)}


def account_key(account: str) -> str:
    """A payer account as it is remembered: without spaces, upper case."""
    return account.replace(" ", "").upper()


def what_was_tried(facts: IdentificationFacts) -> list[str]:
    """One sentence per clue tried: invoice numbers in the text, the account, the amount."""
    customers = sorted(set(facts.named_invoices.values()))
    if not facts.named_invoices:
        named = "the remittance names no open invoice number"
    elif len(customers) > 1:
        named = (f"the remittance names invoices of {len(customers)} customers "
                 f"({_listed(facts.named_invoices)}): a person decides")
    else:
        named = f"the remittance names {_listed(facts.named_invoices)}, open now"
    if not facts.payer_account:
        account = "the bank gave no paying account"
    elif facts.account_customer:
        account = (f"account {facts.payer_account} is known now for customer "
                   f"{facts.account_customer}")
    else:
        account = f"account {facts.payer_account} is not known for any customer"
    shown = f"{format(facts.amount.amount, 'f')} {facts.amount.currency}"
    fits = facts.same_amount_customers
    amount = (f"no open invoice is of {shown}" if not fits else
              f"an open invoice of {shown} belongs to customer {fits[0]}" if len(fits) == 1
              else f"open invoices of {shown} belong to {len(fits)} customers")
    return [named, account, amount]


def _listed(named: dict[str, str]) -> str:
    return ", ".join(f"{number} ({customer})" for number, customer in sorted(named.items()))
