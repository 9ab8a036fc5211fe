"""The simulated company's customers and what they do, decided by a seeded random generator
only (no I/O, no clock): the same seed and sizes give the same customers, orders, payment
habits, disputes and write-offs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ledgerline_events.contract.parties import Address, Buyer
from ledgerline_events.contract.sales import Customer, Language, OrderLine, PaymentTerms, TermsKind

CURRENCIES = ("EUR", "EUR", "USD", "GBP")
LANGUAGES = ((Language.EN, "GB"), (Language.FR, "FR"), (Language.IT, "IT"))
# Where each country's buyers are, as their e-invoices name them (city, postcode).
SEATS = {"GB": ("London", "EC2A 4NE"), "FR": ("Lyon", "69002"), "IT": ("Milano", "20121")}
TERMS = (
    PaymentTerms(kind=TermsKind.NET, net_days=30),
    PaymentTerms(kind=TermsKind.NET, net_days=14),
    PaymentTerms(kind=TermsKind.END_OF_MONTH, net_days=30),
    PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30, discount_days=10,
                 discount_percent=Decimal(2)),
)
PRODUCTS = (("WID-1", "Widget", "12.50"), ("GAD-7", "Gadget", "149.00"),
            ("SRV-H", "Service hour", "85.00"), ("CAB-3", "Cable 3m", "4.35"))


class Habit(StrEnum):
    """How a customer pays."""

    PROMPT = "prompt"              # in full, a few days before the due date
    LATE = "late"                  # in full, 10-45 days late
    PARTIAL = "partial"            # half soon after due, the rest a month later
    TWICE = "twice"                # pays, then pays the same invoice again (credit on account)
    NO_REFERENCE = "no_reference"  # in full, with an empty remittance text
    BAD = "bad"                    # never pays: dunned, then written off


HABITS = (Habit.PROMPT,) * 4 + (Habit.LATE,) * 2 + (
    Habit.PARTIAL, Habit.TWICE, Habit.NO_REFERENCE, Habit.BAD)


@dataclass(frozen=True)
class SimCustomer:
    customer: Customer
    currency: str
    terms: PaymentTerms
    habit: Habit
    payer_account: str
    orders_per_month: int

    @property
    def id(self) -> str:
        return self.customer.customer_id

    @property
    def buyer(self) -> Buyer:
        """Its legal identity (derived from its number: the simulation's draws stay as they
        were)."""
        country = self.customer.country
        number = int(self.id.removeprefix("C-"))
        city, postcode = SEATS[country]
        return Buyer(legal_name=self.customer.name,
                     address=Address(lines=[f"{number} Trade Street"], postcode=postcode,
                                     city=city, country=country),
                     vat_id=f"{country}{number:011d}",
                     company_id=f"{number:011d}" if country == "IT" else f"{number:09d}",
                     sdi_code="SIMULA1" if country == "IT" else None)


@dataclass(frozen=True)
class PlannedOrder:
    order_id: str
    customer: SimCustomer
    placed_on: date
    delivered_on: date
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class PlannedPayment:
    """One bank credit: `invoice_number` goes into the remittance unless `with_reference`
    is false."""

    pay_on: date
    customer: SimCustomer
    invoice_id: str
    invoice_number: str
    amount: Decimal
    with_reference: bool = True


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def customers(rng: random.Random, count: int) -> list[SimCustomer]:
    out = []
    for n in range(1, count + 1):
        language, country = rng.choice(LANGUAGES)
        cid = f"C-{n:04d}"
        out.append(SimCustomer(
            Customer(customer_id=cid, name=f"Customer {n} {country}", language=language,
                     country=country, email=f"ap@customer{n}.example"),
            rng.choice(CURRENCIES), rng.choice(TERMS), HABITS[rng.randrange(len(HABITS))],
            f"{country}00BANK{n:010d}", rng.randint(1, 4),
        ))
    return out


def orders_of_week(rng: random.Random, people: list[SimCustomer], monday: date,
                   counter: list[int]) -> list[PlannedOrder]:
    """Each customer orders about `orders_per_month` times a month, on working days."""
    out = []
    for c in people:
        for _ in range(sum(rng.random() < c.orders_per_month / 4.3 for _ in range(2))):
            counter[0] += 1
            placed = monday + timedelta(days=rng.randrange(5))
            lines = tuple(OrderLine(sku=sku, description=name, quantity=Decimal(rng.randint(1, 20)),
                                    unit_price=Decimal(price), tax_rate=Decimal(rng.choice((0, 20))))
                          for sku, name, price in rng.sample(PRODUCTS, rng.randint(1, 3)))
            out.append(PlannedOrder(f"SO-{counter[0]:06d}", c, placed,
                                    placed + timedelta(days=rng.randint(0, 2)), lines))
    return out


def payments_for(rng: random.Random, c: SimCustomer, invoice_id: str, number: str,
                 due: date, amount: Decimal) -> list[PlannedPayment]:
    """When and how much the customer pays on one invoice, by habit."""
    def pay(days: int, value: Decimal, ref: bool = True) -> PlannedPayment:
        return PlannedPayment(due + timedelta(days=days), c, invoice_id, number, value, ref)

    match c.habit:
        case Habit.PROMPT:
            return [pay(-rng.randint(0, 5), amount)]
        case Habit.LATE:
            return [pay(rng.randint(10, 45), amount)]
        case Habit.PARTIAL:
            half = cents(amount / 2)
            return [pay(5, half), pay(rng.randint(30, 40), amount - half)]
        case Habit.TWICE:
            return [pay(0, amount)] + ([pay(3, amount)] if rng.random() < 0.3 else [])
        case Habit.NO_REFERENCE:
            return [pay(rng.randint(0, 6), amount, ref=rng.random() < 0.5)]
    return []
