"""The whole AR cycle across the four services, on the real broker and database: sales
orders become invoices, payments are matched, credited, disputed, written off, refunded and
reversed, and every service's figures agree with the AR invariant computed from the log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from ledgerline_events.contract import Envelope, new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    Language,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)
from ledgerline_events.testing import eventually

from .agreement import invoices_disagree
from .ledger import Ledger, fold, read_log
from .replay_check import quiescent, replay_differences
from .stack import Stack, running_stack

pytestmark = pytest.mark.integration

NET30 = PaymentTerms(kind=TermsKind.NET, net_days=30)
TWO_TEN_NET30 = PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30,
                             discount_days=10, discount_percent=Decimal(2))


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def delivery(order: str, customer: Customer, currency: str, amount: str, day: date,
             terms: PaymentTerms = NET30, tax_rate: str = "0") -> Envelope:
    line = OrderLine(sku="SKU-1", description="Widgets", quantity=Decimal(1),
                     unit_price=Decimal(amount), tax_rate=Decimal(tax_rate))
    payload = OrderDelivered(order_id=order, customer=customer, currency=currency, lines=[line],
                             payment_terms=terms, delivered_on=day)
    return new_envelope(payload, aggregate_id=order, aggregate_version=1,
                        customer_id=customer.customer_id, occurred_at=at(day), producer="erp")


ACME = Customer(customer_id="C-ACME", name="Acme Ltd", language=Language.EN, country="GB")
BRIE = Customer(customer_id="C-BRIE", name="Fromagerie Brie", language=Language.FR, country="FR")
VINO = Customer(customer_id="C-VINO", name="Vino Rosso", language=Language.IT, country="IT")
ORDERS = [
    delivery("O-1", ACME, "EUR", "1000.00", date(2026, 8, 3)),
    delivery("O-2", ACME, "EUR", "500.00", date(2026, 8, 10)),
    delivery("O-3", ACME, "EUR", "200.00", date(2026, 8, 20)),
    delivery("O-4", BRIE, "EUR", "300.00", date(2026, 8, 5)),
    delivery("O-5", BRIE, "EUR", "800.00", date(2026, 8, 12)),
    delivery("O-6", VINO, "USD", "1000.00", date(2026, 9, 1), TWO_TEN_NET30, tax_rate="20"),
]


# A replay shared among processes runs the same runtime code for every service, so it is
# checked on the two with the most projections: each spawned worker imports a whole
# service, which costs minutes on a busy CI machine.
WORKERS = {"invoicing": (1,), "credit": (1,), "cash-application": (1, 2), "collections": (1, 2)}


@pytest.fixture
async def stack(kafka_bootstrap: str, pg_dsn: str, unique_id: str) -> AsyncIterator[Stack]:
    async with running_stack(kafka_bootstrap, pg_dsn, f"e2e{unique_id}") as s:
        yield s


async def invoices_of(stack: Stack, customer_id: str) -> dict[str, dict[str, Any]]:
    """The customer's invoices from the invoicing register, by sales order."""
    response = await stack.http["invoicing"].get("/invoices", params={"customer_id": customer_id})
    body = response.json()
    rows = body["invoices"] if isinstance(body, dict) else body
    return {r["sales_order_id"]: r for r in rows if r.get("sales_order_id")}


async def pay(stack: Stack, key: str, customer: str | None, amount: str, currency: str,
              day: date, remittance: str = "") -> dict[str, Any]:
    body = {"amount": {"amount": amount, "currency": currency}, "received_on": day.isoformat(),
            "customer_id": customer, "remittance": remittance, "occurred_at": at(day).isoformat()}
    return await stack.call("cash-application", "POST", "/payments", json=body,  # type: ignore[no-any-return]
                            headers={"Idempotency-Key": key})


async def run_ar_cycle(stack: Stack) -> None:
    await stack.publish(stack.topics.sales_inbound, ORDERS)
    await stack.publish(stack.topics.sales_inbound, ORDERS[:2])  # the ERP re-sends two

    async def all_invoiced_and_known_to_cash() -> bool:
        counts = [len(await invoices_of(stack, c.customer_id)) for c in (ACME, BRIE, VINO)]
        open_items = await stack.http["cash-application"].get("/customers/C-VINO/open-items")
        return counts == [3, 2, 1] and open_items.status_code == 200 and bool(open_items.json())

    await eventually(all_invoiced_and_known_to_cash)
    acme, brie = await invoices_of(stack, "C-ACME"), await invoices_of(stack, "C-BRIE")
    await eventually(lambda: _cash_knows(stack, ["C-ACME", "C-BRIE"], 5))

    await pay(stack, "p1", "C-ACME", "1000.00", "EUR", date(2026, 9, 2),
              f"Payment for {acme['O-1']['invoice_number']}")
    await pay(stack, "p2", "C-ACME", "300.00", "EUR", date(2026, 9, 20))  # partial, oldest first
    p3 = await pay(stack, "p3", "C-BRIE", "900.00", "EUR", date(2026, 9, 15),
                   f"inv {brie['O-5']['invoice_number']}")
    p4 = await pay(stack, "p4", "C-BRIE", "300.00", "EUR", date(2026, 9, 16))
    await pay(stack, "p5", "C-VINO", "1176.00", "USD", date(2026, 9, 5))  # 2 % discount taken
    await pay(stack, "p6", None, "42.00", "GBP", date(2026, 9, 7), "no idea")  # unidentified
    await stack.call("cash-application", "POST", f"/payments/{p4['payment_id']}/reverse",
                     json={"reason": "bounced"}, headers={"Idempotency-Key": "rev-p4"})
    await stack.call("invoicing", "POST", f"/invoices/{acme['O-3']['invoice_id']}/credit-notes",
                     json={"amount": {"amount": "50.00", "currency": "EUR"}, "reason": "damaged",
                           "occurred_at": at(date(2026, 9, 3)).isoformat()},
                     headers={"Idempotency-Key": "cn-o3"})
    await _collections_steps(stack, acme, brie, p3)


async def _collections_steps(stack: Stack, acme: dict[str, Any], brie: dict[str, Any],
                             p3: dict[str, Any]) -> None:
    o2, o4 = acme["O-2"]["invoice_id"], brie["O-4"]["invoice_id"]
    await eventually(lambda: _collections_knows(stack, [o2, o4]))
    dispute = await stack.call("collections", "POST", f"/invoices/{o2}/disputes",
                               json={"reason": "quality_complaint"}, headers={"Idempotency-Key": "d1"})
    await stack.call("collections", "POST", f"/disputes/{dispute['dispute_id']}/resolve",
                     json={"outcome": "customer_liable"}, headers={"Idempotency-Key": "d1-r"})
    write_off = await stack.call("collections", "POST", f"/invoices/{o4}/write-offs",
                                 json={"amount": {"amount": "100.00", "currency": "EUR"},
                                       "reason": "insolvency", "approver": "cfo"},
                                 headers={"Idempotency-Key": "w1"})
    await stack.call("collections", "POST", f"/write-offs/{write_off['write_off_id']}/recoveries",
                     json={"amount": {"amount": "40.00", "currency": "EUR"}},
                     headers={"Idempotency-Key": "w1-r"})
    unapplied = await _unapplied_of(stack, p3["payment_id"])
    await stack.call("cash-application", "POST", f"/payments/{p3['payment_id']}/refunds",
                     json={"amount": {"amount": str(unapplied), "currency": "EUR"},
                           "reason": "customer asked"}, headers={"Idempotency-Key": "ref-p3"})


async def test_every_service_agrees_with_the_ar_invariant_from_the_log(
    stack: Stack, kafka_bootstrap: str
) -> None:
    await run_ar_cycle(stack)
    ledger = Ledger()

    async def services_agree_with_the_log() -> bool:
        nonlocal ledger
        ledger = fold(await read_log(kafka_bootstrap, stack.topics))
        return await _mismatches(stack, ledger) == []

    try:
        await eventually(services_agree_with_the_log, timeout=90)
    except AssertionError:
        pytest.fail(f"services disagree with the log: {await _mismatches(stack, ledger)}")
    # Worked by hand: ACME owes 1700 - 1000 (p1) - 300 (p2, oldest first) - 50 (credit note).
    assert ledger.balance[("C-ACME", "EUR")] == Decimal("350.00")
    assert ledger.balance[("C-VINO", "USD")] == Decimal("0.00")  # 1176 paid + 24 discount
    assert ledger.unapplied[("C-BRIE", "EUR")] == Decimal("0.00")  # overpayment refunded
    assert ledger.unapplied[(None, "GBP")] == Decimal("42.00")  # unidentified, in suspense

    runtimes = [app.state.runtime for app in stack.apps.values()]
    await eventually(lambda: quiescent(runtimes))
    for name, app in stack.apps.items():
        for workers in WORKERS[name]:
            differences = await replay_differences(app.state.runtime, workers=workers)
            assert differences == [], f"{name}: replay by {workers} process(es) != live"


async def _mismatches(stack: Stack, ledger: Ledger) -> list[str]:
    wrong: list[str] = []
    for (customer, currency), expected in sorted(ledger.balance.items(), key=str):
        if customer is None:
            continue
        cash = await stack.call("cash-application", "GET", f"/customers/{customer}/balance")
        row = next((r for r in cash["currencies"] if r["currency"] == currency), None)
        got = {
            "cash balance": Decimal(row["balance"]["amount"]) if row else None,
            "cash unapplied": Decimal(row["unapplied_cash"]["amount"]) if row else None,
            "collections ageing": await _ageing_total(stack, customer, currency),
            "credit open AR": await _credit_open_ar(stack, customer, currency),
        }
        want = {"cash balance": expected, "cash unapplied": ledger.unapplied[(customer, currency)],
                "collections ageing": expected, "credit open AR": expected}
        wrong += [f"{customer} {currency} {k}: {got[k]} != {want[k]}" for k in got if got[k] != want[k]]
    wrong += [f"invoice {i} open {amount} in the log" for i, amount in ledger.below_zero().items()]
    return wrong + await invoices_disagree(stack.http, ledger.open_per_invoice,
                                           ledger.open_per_invoice)


async def _ageing_total(stack: Stack, customer: str, currency: str) -> Decimal:
    body = await stack.call("collections", "GET", "/ageing",
                            params={"customer_id": customer, "currency": currency})
    per_customer = body["customers"].get(customer, {}).get(currency)
    return Decimal(per_customer["total"]) if per_customer else Decimal(0)


async def _credit_open_ar(stack: Stack, customer: str, currency: str) -> Decimal | None:
    response = await stack.http["credit"].get(f"/customers/{customer}/credit")
    if response.status_code == 404:
        return Decimal(0)
    row = next((r for r in response.json()["currencies"] if r["currency"] == currency), None)
    return Decimal(row["open_ar"]) if row else Decimal(0)


async def _cash_knows(stack: Stack, customers: list[str], count: int) -> bool:
    seen = 0
    for c in customers:
        response = await stack.http["cash-application"].get(f"/customers/{c}/open-items")
        body = response.json() if response.status_code == 200 else []
        seen += len(body["open_items"] if isinstance(body, dict) else body)
    return seen == count


async def _collections_knows(stack: Stack, invoice_ids: list[str]) -> bool:
    body = await stack.call("collections", "GET", "/ageing", params={"as_of": "2027-01-01"})
    known = {i["invoice_id"] for c in ("C-ACME", "C-BRIE")
             for i in (await stack.call("collections", "GET", f"/customers/{c}"))["open_items"]}
    return bool(body) and set(invoice_ids) <= known


async def _unapplied_of(stack: Stack, payment_id: str) -> Decimal:
    payment = await stack.call("cash-application", "GET", f"/payments/{payment_id}")
    value = payment.get("unapplied") or payment.get("unapplied_amount")
    return Decimal(value["amount"] if isinstance(value, dict) else value)


