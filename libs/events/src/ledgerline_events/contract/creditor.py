"""Who the customers owe, as every document prints it: our name and where to pay (settings
`LEDGERLINE_CREDITOR_NAME`, `LEDGERLINE_BANK_*`, the same for every service)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Creditor:
    name: str = "Ledgerline Ltd"
    bank_name: str = "Example Bank"
    account_holder: str = "Ledgerline Ltd"
    iban: str = "GB00EXAM00000000000000"
    bic: str = "EXAMGB2L"
