"""An interest note: the late-payment interest and recovery indemnity collections claimed on an
invoice (LateInterestClaimed), billed as an invoice of its own series (INT), due at once, in
the customer's language, outside the scope of VAT (0 %: interest and the indemnity compensate
a delay, they pay for no supply)."""

from __future__ import annotations

from decimal import Decimal

from ledgerline_events.contract.late_interest import LateInterestClaimed
from ledgerline_events.contract.sales import Language, PaymentTerms, TermsKind

from .invoice import IssueInvoice
from .pricing import LineItem

SERIES = "INT"
WORDS = {
    Language.FR: ("Intérêts de retard sur la facture {n} ({d} jours au {to})",
                  "Indemnité forfaitaire pour frais de recouvrement, facture {n} "
                  "(art. L441-10 C. com.)"),
    Language.IT: ("Interessi di mora sulla fattura {n} ({d} giorni al {to})",
                  "Indennizzo forfettario per i costi di recupero, fattura {n} "
                  "(D.Lgs. 231/2002)"),
    Language.EN: ("Late-payment interest on invoice {n} ({d} days to {to})",
                  "Fixed compensation for recovery costs, invoice {n} (Directive 2011/7/EU)"),
}


def interest_note(claim: LateInterestClaimed) -> IssueInvoice:
    interest_words, indemnity_words = WORDS.get(claim.customer.language, WORDS[Language.EN])
    said = {"n": claim.invoice_number, "d": claim.days, "to": claim.as_of.isoformat()}
    lines = [LineItem(words.format(**said), Decimal(1), amount.amount, Decimal(0))
             for words, amount in ((interest_words, claim.interest),
                                   (indemnity_words, claim.indemnity)) if amount.amount > 0]
    return IssueInvoice(
        invoice_id=f"int-{claim.claim_id}", customer=claim.customer, currency=claim.interest.currency,
        lines=tuple(lines), payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=0),
        issue_date=claim.as_of, series=SERIES)
