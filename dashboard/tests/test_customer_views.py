"""The customer page: collections account, credit standing and cash position."""

from ledgerline_dashboard.views import credit, customer

from .samples import ACCOUNT, BALANCE, CREDIT, E_INVOICES


def test_open_items_by_due_date_with_totals_per_currency() -> None:
    view = customer.customer_account(ACCOUNT)
    assert (view.name, view.customer_id) == ("Acme Tools GmbH", "C-ACME")
    assert [(i.invoice_number, i.days_overdue, i.bucket, i.open_amount) for i in view.open_items] == [
        ("INV-2026-000001", "100 days overdue", "Over 90 days", "€1,000.00"),
        ("INV-2026-000009", "due today", "Current", "$12.35"),
        ("INV-2026-000003", "due in 20 days", "Current", "€480.00")]
    assert view.open_totals == {"EUR": "€1,480.00", "USD": "$12.35"}
    assert [i.overdue for i in view.open_items] == [True, False, False]


def test_letters_newest_first_with_their_text() -> None:
    letters = customer.customer_account(ACCOUNT).letters
    assert [(x.run_date, x.level, x.total, x.invoices) for x in letters] == [
        ("2026-11-15", "Reminder", "€1,000.00", 1), ("2026-11-01", "Friendly reminder", "€1,200.00", 1)]
    assert letters[0].text == "Dear Acme, again"
    assert [x.voided for x in letters] == ["", ""]


def test_a_letter_sent_in_error_shows_as_voided_with_who_and_why() -> None:
    voided = {**ACCOUNT["dunning_history"][0], "voided_on": "2026-11-03", "voided_by": "anna",
              "void_reason": "sent in error"}
    (letter,) = customer.letters([voided])
    assert letter.voided == "voided on 2026-11-03 by anna: sent in error"


def test_disputes_promises_calls_write_offs() -> None:
    view = customer.customer_account(ACCOUNT)
    assert view.disputes[0].status == "resolved: Credit note"
    assert view.promises[0].status == "broken" and "short €849.90" in view.promises[0].detail
    assert (view.calls[0].on, view.calls[0].what) == ("2026-11-01", "Promise to pay")
    assert view.write_offs[0].status == "recovered €50.00"


def test_invoice_copies_and_agency_hand_overs_newest_first_with_their_pdf() -> None:
    handover, copy = customer.customer_account(ACCOUNT).documents
    assert (handover.on, handover.what) == ("2026-11-20", "Account handed over to Recouvra SAS")
    assert handover.detail == "2 invoice(s), €1,200.00, decided by cfo"
    assert handover.href == "/customers/C-ACME/agency-handovers/ho-1.pdf"
    assert (copy.on, copy.delivery, copy.href) == ("2026-11-02", "emailed", "/invoices/inv-1.pdf")
    assert copy.detail == "asked by anna: never received the invoice"


def test_e_invoices_newest_first_with_their_format_and_where_the_exchange_has_them() -> None:
    queued, accepted = customer.e_invoices(E_INVOICES)
    assert (queued.what, queued.format, queued.href) == ("credit note cn-1", "queued", "")
    assert (accepted.what, accepted.format, accepted.transmission, accepted.href) == (
        "invoice inv-1", "Factur-X (PDF/A-3 + CII)", "Accepted", "/e-invoices/einv-inv-1")
    assert accepted.written_on == "2026-11-02"


def test_an_empty_account() -> None:
    view = customer.customer_account({"customer_id": "C-X"})
    assert view.name == "C-X" and view.open_items == [] and view.open_totals == {}


def test_credit_standing_limits_exposure_holds() -> None:
    view = credit.credit_standing(CREDIT)
    eur, usd = view.lines
    assert (eur.limit, eur.exposure, eur.available, eur.over_limit) == (
        "€2,000.00", "€2,329.90", "−€329.90", True)
    assert (usd.limit, usd.available, usd.over_limit) == ("No limit set", "–", False)
    assert view.on_hold and view.holds[0].reason == "Overdue" and view.holds[0].placed_on == "2026-11-25"
    assert (view.risk_score, view.oldest_overdue_days) == (37, "100 days")
    assert credit.credit_standing({"oldest_overdue_days": None}).oldest_overdue_days == "none overdue"


def test_cash_position_tolerates_a_currency_without_payments() -> None:
    eur, usd = credit.cash_position(BALANCE)
    assert (eur.balance, eur.unapplied, eur.received) == ("€2,329.90", "€300.00", "€1,500.00")
    assert (usd.balance, usd.received) == ("$12.35", "$0.00")
