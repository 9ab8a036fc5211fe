"""The customer statement, from the facts of every service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline_events.contract.base import Event
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
    WriteOffApplied,
)
from ledgerline_events.contract.sales import OrderDelivered, OrderLine
from ledgerline_invoicing.domain.deliveries import invoice_delivered_order
from ledgerline_invoicing.domain.invoice import decide_issue
from ledgerline_invoicing.domain.statement import (
    MovementKind,
    customer_statement,
    movements_from,
)

from .invoicing_scenarios import ACME, NET_30, eur, invoice_issued

D = Decimal


def allocated(amount: str, on: date, discount: str | None = None) -> Event:
    return PaymentAllocated(
        allocation_id="al-1", payment_id="pay-1", invoice_id="inv-1", amount=eur(amount),
        discount=eur(discount) if discount else None, match_reason=MatchReason.MANUAL,
        allocated_on=on,
    )


def reversed_allocation(amount: str, on: date) -> Event:
    return AllocationReversed(
        allocation_id="al-1", payment_id="pay-1", invoice_id="inv-1", amount=eur(amount),
        reason="cheque bounced", reversed_on=on,
    )


def test_allocation_with_discount_makes_two_movements() -> None:
    moves = movements_from(allocated("117.60", date(2026, 3, 5), discount="2.40"))
    assert [(m.kind, m.amount) for m in moves] == [
        (MovementKind.PAYMENT, eur("-117.60")),
        (MovementKind.DISCOUNT, eur("-2.40")),
    ]


def credit_note_applied(amount: str, applied: str) -> Event:
    return CreditNoteApplied(
        credit_note_id="cn-1", credit_note_number="CN-2026-000001", invoice_id="inv-1",
        credit_id="CR-cn-1", amount=eur(amount), applied=eur(applied),
        to_account=eur(str(D(amount) - D(applied))), applied_on=date(2026, 3, 1))


def test_statement_opening_movements_closing() -> None:
    history = [
        invoice_issued("100"),  # 1 March, +120.00
        credit_note_applied("20", "20"),  # 1 March, -20
        allocated("50", date(2026, 3, 20)),
        reversed_allocation("50", date(2026, 4, 2)),
        WriteOffApplied(write_off_id="wo-1", invoice_id="inv-1", amount=eur("10"),
                        applied=eur("10"), applied_on=date(2026, 4, 5)),
    ]
    movements = [m for event in reversed(history) for m in movements_from(event)]
    april = customer_statement(movements, "EUR", date(2026, 4, 1), date(2026, 4, 30))
    assert april.opening_balance == eur("50.00")
    assert [(line.movement.kind, line.balance) for line in april.lines] == [
        (MovementKind.PAYMENT_REVERSED, eur("100.00")),
        (MovementKind.WRITE_OFF, eur("90.00")),
    ]
    assert april.closing_balance == eur("90.00")
    whole = customer_statement(movements, "EUR", date(2026, 1, 1), date(2026, 12, 31))
    assert whole.opening_balance == eur("0")
    assert [line.movement.kind for line in whole.lines][:2] == [
        MovementKind.INVOICE, MovementKind.CREDIT_NOTE,
    ]
    assert whole.closing_balance == april.closing_balance


def test_a_credit_note_counts_on_the_statement_for_what_clearing_applied() -> None:
    history = [invoice_issued("100"), allocated("100", date(2026, 3, 2)),
               credit_note_applied("50", "20")]
    movements = [m for event in history for m in movements_from(event)]
    march = customer_statement(movements, "EUR", date(2026, 3, 1), date(2026, 3, 31))
    assert [(line.movement.kind, line.movement.amount) for line in march.lines] == [
        (MovementKind.INVOICE, eur("120.00")), (MovementKind.CREDIT_NOTE, eur("-20")),
        (MovementKind.PAYMENT, eur("-100")),
    ]
    assert march.closing_balance == eur("0.00")


def test_statement_is_per_currency() -> None:
    movements = movements_from(invoice_issued("100"))
    assert customer_statement(movements, "USD", date(2026, 1, 1), date(2026, 12, 31)).lines == ()


def test_delivered_order_becomes_one_invoice_dated_on_delivery() -> None:
    order = OrderDelivered(
        order_id="SO-77", customer=ACME, currency="EUR", payment_terms=NET_30,
        delivered_on=date(2026, 2, 27), invoice_series="FAC",
        lines=[OrderLine(sku="W-1", description="widget", quantity=D(3), unit_price=D("0.335"),
                         tax_rate=D(20))],
    )
    command = invoice_delivered_order(order)
    assert command.invoice_id == invoice_delivered_order(order).invoice_id == "inv-so-SO-77"
    [issued] = decide_issue(command, "FAC-2026-000001")
    assert issued.model_dump(include={"sales_order_id", "issue_date", "due_date"}) == {
        "sales_order_id": "SO-77", "issue_date": date(2026, 2, 27), "due_date": date(2026, 3, 29),
    }
    assert issued.gross_total == eur("1.21")
