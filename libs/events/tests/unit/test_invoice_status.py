"""The status every service reports for an invoice, from its cleared figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerline_events.contract.invoice_status import InvoiceStatus, invoice_status

D = Decimal


@pytest.mark.parametrize(
    ("open_amount", "settled", "written_off", "cancelled", "status"),
    [
        (D(120), D(0), D(0), False, InvoiceStatus.OPEN),
        (D(100), D(0), D(0), False, InvoiceStatus.OPEN),  # credited in part
        (D(70), D(50), D(0), False, InvoiceStatus.PARTIALLY_PAID),
        (D(0), D(120), D(0), False, InvoiceStatus.PAID),
        (D(0), D(100), D(0), False, InvoiceStatus.PAID),  # the rest credited
        (D(0), D(0), D(0), False, InvoiceStatus.CREDITED),
        (D(0), D(0), D(120), False, InvoiceStatus.WRITTEN_OFF),
        (D(0), D(50), D(70), False, InvoiceStatus.PAID),  # paid in part, the rest written off
        (D(0), D(0), D(0), True, InvoiceStatus.CANCELLED),
    ],
)
def test_an_invoice_reads_the_same_status_in_every_service(
    open_amount: Decimal, settled: Decimal, written_off: Decimal, cancelled: bool,
    status: InvoiceStatus,
) -> None:
    assert invoice_status(open_amount=open_amount, settled=settled, written_off=written_off,
                          cancelled=cancelled) is status
