"""Delivered sales orders become invoices: one invoice per delivered order."""

from __future__ import annotations

from ledgerline_events.contract.refusals import InvalidRequest, Refusal
from ledgerline_events.contract.sales import OrderDelivered

from .invoice import IssueInvoice, decide_issue
from .numbering import series_for
from .pricing import LineItem


def invoice_id_for_order(order_id: str) -> str:
    """A delivered order's invoice id follows from the order, so a second delivery of the
    same sales event can only ever collide with the first invoice, never create another."""
    return f"inv-so-{order_id}"


def invoice_delivered_order(order: OrderDelivered) -> IssueInvoice:
    """Bill a delivered order in its own currency and terms, dated on the delivery day."""
    return IssueInvoice(
        invoice_id=invoice_id_for_order(order.order_id),
        customer=order.customer,
        currency=order.currency,
        lines=tuple(
            LineItem(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                sku=line.sku,
            )
            for line in order.lines
        ),
        payment_terms=order.payment_terms,
        issue_date=order.delivered_on,
        series=order.invoice_series,
        sales_order_id=order.order_id,
        delivered_on=order.delivered_on,
        proof_of_delivery=order.proof_of_delivery,
        buyer=order.buyer,
        order=order.order,
    )


def delivery_refusal(order: OrderDelivered) -> Refusal | None:
    """What invoicing's rules hold against billing this delivery, before any number is taken
    (None: it would be invoiced). The sales intake refuses the same; a publisher's validator
    asks it before publishing."""
    command = invoice_delivered_order(order)
    try:
        series_for(command.series, command.issue_date)
        decide_issue(command, "not-numbered")
    except Refusal as refused:
        return refused
    except ValueError as exc:
        return InvalidRequest("invalid_series", str(exc), "series")
    return None
