"""Oversized request bodies answer 413 before any work: 1 MiB by default, 64 MiB for bank
statement files (LEDGERLINE_MAX_REQUEST_BYTES, LEDGERLINE_STATEMENT_MAX_REQUEST_BYTES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.integration
MiB = 1024 * 1024


async def test_bodies_above_the_limit_answer_413(
    in_process: Any, auth_headers: Callable[..., dict[str, str]],
) -> None:
    http, headers = in_process.clients, {**auth_headers(), "Idempotency-Key": "big"}
    padding = "x" * (2 * MiB)
    for service, path in [("invoicing", "/invoices"), ("cash-application", "/payments"),
                          ("collections", "/dunning-runs"), ("credit", "/credit-checks")]:
        answer = await http[service].post(path, json={"note": padding}, headers=headers)
        assert answer.status_code == 413, (service, answer.status_code)
    csv = "statement_ref,entry_ref,booking_date,amount,currency\n" + "#" * (2 * MiB)
    statement = await http["cash-application"].post(
        "/statements?format=csv", content=csv.encode(), headers={**headers, "content-type": "text/csv"})
    assert statement.status_code == 422, statement.text[:200]  # read whole, refused as malformed
    huge = await http["cash-application"].post(
        "/statements?format=csv", content=b"#" * (65 * MiB), headers={**headers, "content-type": "text/csv"})
    assert huge.status_code == 413
