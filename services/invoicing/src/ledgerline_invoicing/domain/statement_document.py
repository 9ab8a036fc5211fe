"""The customer statement as a document, in the customer's language (en, fr, it; others in
English): per currency, the opening balance, every movement of the period with the balance after
it, and the closing balance, with where to pay. Built from the same Statement the JSON gives."""

from __future__ import annotations

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.sales import Language

from .invoice_document import localized_day, money_in
from .statement import MovementKind, Statement

LABELS: dict[Language, dict[str, str]] = {
    Language.EN: {"title": "STATEMENT OF ACCOUNT", "for": "Customer", "period": "Period",
                  "opening": "Opening balance", "closing": "Balance due", "date": "Date",
                  "what": "Movement", "ref": "Reference", "amount": "Amount",
                  "balance": "Balance", "pay": "Pay by transfer to",
                  "interest": "Late-payment interest accrued to {day}, not yet invoiced "
                              "(not in the balance)",
                  "invoice": "Invoice", "days": "Days", "rate_interest": "Interest",
                  "indemnity": "Indemnity", "interest_total": "Interest and indemnities",
                  "interest_unknown": "Late-payment interest: not available at the moment"},
    Language.FR: {"title": "RELEVÉ DE COMPTE", "for": "Client", "period": "Période",
                  "opening": "Solde d'ouverture", "closing": "Solde dû", "date": "Date",
                  "what": "Mouvement", "ref": "Référence", "amount": "Montant", "balance": "Solde",
                  "pay": "Règlement par virement à",
                  "interest": "Pénalités de retard courues au {day}, non encore facturées "
                              "(hors solde)",
                  "invoice": "Facture", "days": "Jours", "rate_interest": "Pénalités",
                  "indemnity": "Indemnité", "interest_total": "Pénalités et indemnités",
                  "interest_unknown": "Pénalités de retard : indisponibles pour le moment"},
    Language.IT: {"title": "ESTRATTO CONTO", "for": "Cliente", "period": "Periodo",
                  "opening": "Saldo iniziale", "closing": "Saldo dovuto", "date": "Data",
                  "what": "Movimento", "ref": "Riferimento", "amount": "Importo", "balance": "Saldo",
                  "pay": "Pagamento con bonifico a",
                  "interest": "Interessi di mora maturati al {day}, non ancora fatturati "
                              "(esclusi dal saldo)",
                  "invoice": "Fattura", "days": "Giorni", "rate_interest": "Interessi",
                  "indemnity": "Risarcimento", "interest_total": "Interessi e risarcimenti",
                  "interest_unknown": "Interessi di mora: non disponibili al momento"},
}
KINDS: dict[Language, dict[MovementKind, str]] = {
    Language.EN: {k: k.value.replace("_", " ") for k in MovementKind},
    Language.FR: {MovementKind.INVOICE: "facture", MovementKind.CREDIT_NOTE: "avoir",
                  MovementKind.CANCELLATION: "annulation", MovementKind.PAYMENT: "paiement",
                  MovementKind.DISCOUNT: "escompte", MovementKind.PAYMENT_REVERSED: "paiement annulé",
                  MovementKind.DISCOUNT_REVERSED: "escompte annulé",
                  MovementKind.WRITE_OFF: "passage en perte", MovementKind.RECOVERY: "recouvrement"},
    Language.IT: {MovementKind.INVOICE: "fattura", MovementKind.CREDIT_NOTE: "nota di credito",
                  MovementKind.CANCELLATION: "annullamento", MovementKind.PAYMENT: "pagamento",
                  MovementKind.DISCOUNT: "sconto", MovementKind.PAYMENT_REVERSED: "pagamento stornato",
                  MovementKind.DISCOUNT_REVERSED: "sconto stornato",
                  MovementKind.WRITE_OFF: "perdita su crediti", MovementKind.RECOVERY: "recupero"},
}


def statement_text(customer_id: str, customer_name: str, statements: list[Statement],
                   language: Language, creditor: Creditor) -> str:
    lang = language if language in LABELS else Language.EN
    t = LABELS[lang]
    lines = [creditor.name, "", t["title"], f"{t['for']}: {customer_name} ({customer_id})"]
    for s in statements:
        money = money_in(lang, s.currency)
        lines += ["", f"{t['period']}: {localized_day(s.period_from, lang)} - "
                      f"{localized_day(s.period_to, lang)}  ({s.currency})",
                  f"{t['opening']:>64} {money(s.opening_balance.amount):>18}",
                  f"{t['date']:<12} {t['what']:<22} {t['ref']:<22} {t['amount']:>16} "
                  f"{t['balance']:>18}"]
        lines += [f"{localized_day(x.movement.on, lang):<12} {KINDS[lang][x.movement.kind][:22]:<22} "
                  f"{x.movement.reference[:22]:<22} {money(x.movement.amount.amount):>16} "
                  f"{money(x.balance.amount):>18}" for x in s.lines]
        lines.append(f"{t['closing']:>64} {money(s.closing_balance.amount):>18}")
        lines += _interest_lines(s, lang)
    lines += ["", f"{t['pay']} {creditor.account_holder}, {creditor.bank_name}, "
                  f"IBAN {creditor.iban}, BIC {creditor.bic} ({customer_id})"]
    return "\n".join(lines) + "\n"


def _interest_lines(s: Statement, lang: Language) -> list[str]:
    """The interest earned and not yet claimed, beside the balance: it joins the balance only
    when an interest note claims it."""
    t, money = LABELS[lang], money_in(lang, s.currency)
    if s.interest_accrued is None:
        return ["", t["interest_unknown"]]
    if not s.interest_accrued:
        return []
    lines = ["", t["interest"].format(day=localized_day(s.period_to, lang)),
             f"{t['invoice']:<24} {t['days']:>6} {t['rate_interest']:>16} {t['indemnity']:>16}"]
    lines += [f"{i.invoice_number[:24]:<24} {i.days_accrued:>6} "
              f"{money(i.interest.amount):>16} {money(i.indemnity.amount):>16}"
              for i in s.interest_accrued]
    lines.append(f"{t['interest_total']:>64} {money(s.interest_total.amount):>18}")
    return lines
