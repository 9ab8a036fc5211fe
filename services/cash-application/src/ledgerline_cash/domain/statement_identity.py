"""Which payment a statement entry is: the identity banks actually guarantee.

A bank guarantees little: Rabobank's `:20:` is the date, Sparkassen write `STARTUMS` every day,
old ING files always `MPBZ/000`; references are optional in ISO 20022. What holds is the
combination: the receiving account, the statement (its id, electronic sequence and date) and
the entry's best reference; an entry without a reference is named by its content, with an
occurrence index for identical twins. The same file imported twice is recognised by its
fingerprint before any of this.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from ledgerline_events.contract.money import MINOR_UNITS

from .statement import StatementLine

# What banks write where a reference would be: not a reference.
PLACEHOLDERS = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "NOREF", "N/A"})
MAX_REF = 128  # PaymentReceived.statement_ref / entry_ref


def receiving_account(text: str) -> str:
    """The account a statement is for, written one way whatever the format: an IBAN in its
    compact form (ING's `:25:NL..INGB..EUR` and Rabobank's `NL.. EUR` lose the currency),
    anything else (`12345678/1234567890`, `1291.99.348EUR`) without spaces and dots."""
    compact = re.sub(r"[\s.]", "", text).upper()
    candidates = [compact]
    if len(compact) > 3 and compact[-3:] in MINOR_UNITS:
        candidates.append(compact[:-3])
    for candidate in reversed(candidates):
        if iban := _valid_iban(candidate):
            return iban
    return compact


def payer_account(text: str) -> str:
    """A counterparty account as given, compacted when it is a valid IBAN (so the same payer's
    account matches across formats)."""
    stripped = text.strip()
    return _valid_iban(stripped) or stripped


def statement_ref(account: str, statement_id: str, sequence: str = "",
                  on: date | None = None) -> str:
    """`<account>/<statement id>[/<sequence>]@<date>`: the statement as the bank names it,
    made unique by the account it belongs to and the day it covers. Without an account (our
    own CSV layout, whose producer names its statements) it is the id as before."""
    parts = [account, statement_id.strip() or "-"] if account else [statement_id.strip() or "-"]
    if sequence.strip():
        parts.append(sequence.strip())
    ref = "/".join(parts) + (f"@{on.isoformat()}" if on else "")
    return _bounded(ref)


def best_reference(candidates: Iterable[str]) -> str:
    """The first real reference (placeholders such as NONREF and NOTPROVIDED skipped)."""
    for candidate in candidates:
        value = " ".join(candidate.split())
        if value.upper() not in PLACEHOLDERS:
            return _bounded(value)
    return ""


def identify_entries(lines: Sequence[StatementLine]) -> list[StatementLine]:
    """Every line with its final entry reference: its own reference, else `content-<hash>` of
    what the bank wrote; the second and later lines with the same statement and reference get
    `#2`, `#3`... in file order (a reference a bank repeats, or identical payments)."""
    seen: Counter[tuple[str, str]] = Counter()
    identified: list[StatementLine] = []
    for line in lines:
        reference = line.entry_ref or content_reference(line)
        seen[(line.statement_ref, reference)] += 1
        occurrence = seen[(line.statement_ref, reference)]
        suffix = f"#{occurrence}" if occurrence > 1 else ""
        identified.append(replace(line, entry_ref=reference[:MAX_REF - len(suffix)] + suffix))
    return identified


def content_reference(line: StatementLine) -> str:
    """A name for an entry without a reference, from everything the bank wrote about it."""
    content = "|".join((
        line.booking_date.isoformat(), line.value_date.isoformat(),
        format(line.amount.amount, "f"), line.amount.currency,
        line.payer_account, line.payer_name, line.remittance,
    ))
    return "content-" + hashlib.sha256(content.encode()).hexdigest()[:16]


def entry_terms(line: StatementLine) -> str:
    """What must not change when the same entry is imported again (amount, currency, value
    date), in words: stored with the entry and quoted when another file contradicts it."""
    return f"{format(line.amount.amount, 'f')} {line.amount.currency} value {line.value_date}"


def file_fingerprint(raw: bytes) -> str:
    """The same file, byte for byte (line endings aside), has the same fingerprint."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


@lru_cache(maxsize=65_536)  # a bank file names the same payers' accounts again and again
def _valid_iban(text: str) -> str:
    try:
        return str(IBAN(text).compact)
    except (SchwiftyException, ValueError):
        return ""


def _bounded(ref: str) -> str:
    # Contract fields hold 128 characters; a longer name keeps its start and a hash of all.
    if len(ref) <= MAX_REF:
        return ref
    return ref[:MAX_REF - 17] + "~" + hashlib.sha256(ref.encode()).hexdigest()[:16]
