"""Dunning letters: rendered from Jinja2 templates per language and level.

Templates live in the package (`templates/letters/<language>/<level>.txt.j2`, each extending
its language's `base.txt.j2`, which lists the invoices, the total and how to pay). Tone rises
with the level; the final notice names the next step (hand-over to a collection agency).
Languages without templates (German today) fall back to English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.sales import Language

from .dunning import DunningLetterPlan

LETTER_LANGUAGES = frozenset({Language.EN, Language.FR, Language.IT})
FALLBACK_LANGUAGE = Language.EN


@dataclass(frozen=True)
class PaymentInstructions(Creditor):
    """Who the customer pays and how (every service's creditor settings), printed on every
    letter, and the days the final notice gives before the hand-over."""

    final_notice_days: int = 10


def letter_language(language: Language) -> Language:
    """The language the letter is written in: the customer's, or English if we have none."""
    return language if language in LETTER_LANGUAGES else FALLBACK_LANGUAGE


def format_amount(amount: Decimal, currency: str, language: Language) -> str:
    """An amount as the reader expects it: 1,234.56 EUR / 1 234,56 EUR / 1'234.56 EUR."""
    text = f"{quantize(amount, currency):,}"
    if language is Language.FR:
        text = text.replace(",", " ").replace(".", ",")
    elif language is Language.IT:
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} {currency}"


def format_date(day: date, language: Language) -> str:
    """A date the reader recognizes (ISO for English, dd/mm/yyyy for French and Italian)."""
    return day.isoformat() if language is Language.EN else day.strftime("%d/%m/%Y")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ledgerline_collections", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text letters, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


INTEREST_WORDS = {
    Language.EN: ("Late-payment interest accrued to {day}: {interest}; fixed compensation for "
                  "recovery costs: {indemnity} (Directive 2011/7/EU).\nWe reserve the right to "
                  "claim them."),
    Language.FR: ("Intérêts de retard courus au {day} : {interest} ; indemnité forfaitaire pour "
                  "frais de recouvrement : {indemnity}\n(art. L441-10 du Code de commerce). Nous "
                  "nous réservons le droit de les réclamer."),
    Language.IT: ("Interessi di mora maturati al {day}: {interest}; indennizzo forfettario per i "
                  "costi di recupero: {indemnity}\n(D.Lgs. 231/2002). Ci riserviamo di richiederli."),
}


@dataclass(frozen=True)
class LetterInterest:
    """What the letter's invoices earned in late-payment interest by its date (summed)."""

    interest: Decimal
    indemnity: Decimal


def render_letter(
    plan: DunningLetterPlan,
    customer_name: str,
    language: Language,
    payment: PaymentInstructions,
    interest: LetterInterest | None = None,
) -> str:
    """The text of the dunning letter for this plan, in the customer's language; with the
    late-payment interest its invoices earned, when there is some."""
    lang = letter_language(language)
    earned = None
    if interest is not None and (interest.interest or interest.indemnity):
        earned = INTEREST_WORDS[lang].format(
            day=format_date(plan.run_date, lang),
            interest=format_amount(interest.interest, plan.currency, lang),
            indemnity=format_amount(interest.indemnity, plan.currency, lang))
    template = _environment().get_template(f"letters/{lang.value}/{plan.level.value}.txt.j2")
    lines = [
        {
            "number": line.invoice.invoice_number,
            "due_date": format_date(line.invoice.due_date, lang),
            "days_overdue": line.days_overdue,
            "amount": format_amount(line.invoice.open_amount, plan.currency, lang),
        }
        for line in plan.lines
    ]
    return template.render(
        customer_name=customer_name,
        customer_id=plan.customer_id,
        letter_date=format_date(plan.run_date, lang),
        lines=lines,
        total=format_amount(plan.total, plan.currency, lang),
        pay=payment,
        interest=earned,
    )


def render_promise_confirmation(
    customer_id: str, customer_name: str, language: Language, recorded_on: date,
    recorded_by: str, amount: Decimal, currency: str, promised_date: date,
    invoice_numbers: list[str], payment: PaymentInstructions,
) -> str:
    """The written confirmation of a promise to pay made on a call: who agreed, the amount,
    the date and the invoices, in the customer's language (the proof practice asks for)."""
    lang = letter_language(language)
    template = _environment().get_template(f"confirmations/{lang.value}/promise.txt.j2")
    return template.render(
        customer_name=customer_name, customer_id=customer_id,
        letter_date=format_date(recorded_on, lang), recorded_by=recorded_by,
        amount=format_amount(amount, currency, lang),
        promised_date=format_date(promised_date, lang), invoices=invoice_numbers, pay=payment,
    )
