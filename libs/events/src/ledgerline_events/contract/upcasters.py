"""Upcasters: pure functions turning a payload of version N into version N+1.

Keyed by (event type, version they read). History is never rewritten; readers upcast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .base import UNKNOWN_ACTOR
from .money import quantize

Payload = dict[str, Any]


def envelope_v1_to_v2(envelope: Payload) -> Payload:
    """Envelopes before version 2 did not name who acted: they read as the unknown actor.
    The Envelope's field defaults apply it as they decode (base.ENVELOPE_VERSION); written
    out here so the rule has one place to be read, and tested against them."""
    return {**envelope, "envelope_version": 2, "actor": UNKNOWN_ACTOR.model_dump(mode="json")}


def payment_received_v1_to_v2(payload: Payload) -> Payload:
    """v1 carried the amount flat (`amount`, `currency`); v2 carries a Money object."""
    upgraded = {k: v for k, v in payload.items() if k != "currency"}
    upgraded["amount"] = {"amount": payload["amount"], "currency": payload["currency"]}
    return upgraded


def payment_received_v2_to_v3(payload: Payload) -> Payload:
    """v2 carried the payer in plain; v3 seals it. What v2 wrote stays as it was (history is
    never rewritten): read models blank it once the customer's data is erased."""
    upgraded = {k: v for k, v in payload.items() if k not in ("payer_name", "payer_account")}
    return {**upgraded, "payer": None, "payer_name_in_plain": payload.get("payer_name", ""),
            "payer_account_in_plain": payload.get("payer_account", "")}


def invoice_issued_v1_to_v2(payload: Payload) -> Payload:
    """v1 left the early-payment discount to its readers; v2 carries what invoicing granted,
    which for every v1 invoice was: gross x percent (half-up), until issue date + days."""
    terms, gross = payload.get("payment_terms") or {}, payload.get("gross_total") or {}
    percent, days = terms.get("discount_percent"), terms.get("discount_days")
    if percent is None or days is None or not gross:
        return {**payload, "early_payment_discount": None}
    amount = quantize(Decimal(str(gross["amount"])) * Decimal(str(percent)) / 100, gross["currency"])
    until = date.fromisoformat(payload["issue_date"]) + timedelta(days=int(days))
    discount = {"amount": {"amount": str(amount), "currency": gross["currency"]},
                "until": until.isoformat()}
    return {**payload, "early_payment_discount": discount}


def no_delivery_known(payload: Payload) -> Payload:
    """Before v2 (OrderDelivered) and v3 (InvoiceIssued) no proof of delivery travelled."""
    return {**payload, "proof_of_delivery": None}


def invoice_issued_v2_to_v3(payload: Payload) -> Payload:
    return {**no_delivery_known(payload), "delivered_on": None}


def call_logged_v1_to_v2(payload: Payload) -> Payload:
    """v1 carried the person's name in plain; v2 seals it. What v1 wrote stays as it was
    (history is never rewritten): read models blank it once the customer's data is erased."""
    upgraded = {k: v for k, v in payload.items() if k != "contact_person"}
    return {**upgraded, "contact": None, "contact_in_plain": payload.get("contact_person", "")}


def no_buyer_known(payload: Payload) -> Payload:
    """Before v3 (OrderDelivered) and v4 (InvoiceIssued) no buyer identity or order travelled."""
    return {**payload, "buyer": None, "order": None}


UPCASTERS: dict[tuple[str, int], Callable[[Payload], Payload]] = {
    ("cash-application.PaymentReceived", 1): payment_received_v1_to_v2,
    ("cash-application.PaymentReceived", 2): payment_received_v2_to_v3,
    ("collections.CollectionCallLogged", 1): call_logged_v1_to_v2,
    ("invoicing.InvoiceIssued", 1): invoice_issued_v1_to_v2,
    ("invoicing.InvoiceIssued", 2): invoice_issued_v2_to_v3,
    ("sales.OrderDelivered", 1): no_delivery_known,
    ("sales.OrderDelivered", 2): no_buyer_known,
    ("invoicing.InvoiceIssued", 3): no_buyer_known,
}
