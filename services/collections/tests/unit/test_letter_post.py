"""Whom a dunning letter goes to, under which subject, and when a refused send is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ledgerline_collections.domain.customer_master import Contact
from ledgerline_collections.domain.letter_post import (
    bounced,
    confirmation_subject,
    dunning_subject,
    mail_for,
    recipient,
    retry_at,
)
from ledgerline_events.contract.collections import DunningLevel
from ledgerline_events.contract.customer_master import Channel, ContactRole
from ledgerline_events.contract.sales import Language

AP = Contact("ap", ContactRole.ACCOUNTS_PAYABLE, "Anne", "anne@x.example")
BILLING = Contact("bill", ContactRole.BILLING, "Luc", "luc@x.example")
BOSS_BY_PHONE = Contact("boss", ContactRole.MANAGEMENT, "Marc", None, "+33 1 00 00 00 00",
                        preferred_channel=Channel.PHONE)
NOW = datetime(2026, 6, 15, 10, tzinfo=UTC)


def test_the_letter_goes_to_accounts_payable_before_billing_or_anyone_else() -> None:
    assert recipient([BILLING, BOSS_BY_PHONE, AP]) == AP
    assert recipient([BOSS_BY_PHONE, BILLING]) == BILLING


def test_a_customer_without_an_email_contact_gets_the_letter_on_paper() -> None:
    assert recipient([BOSS_BY_PHONE]) is None and recipient([]) is None


def test_the_subject_is_in_the_customers_language_and_names_the_invoices() -> None:
    subject = dunning_subject(DunningLevel.FINAL_NOTICE, Language.IT, ["F-1", "F-2"])
    assert subject == "Diffida ad adempiere: F-1, F-2"
    assert dunning_subject(DunningLevel.REMINDER, Language.DE, ["F-3"]).startswith(
        "Second payment reminder")  # no German letters yet
    assert confirmation_subject(Language.FR, ["F-4"]) == (
        "Confirmation de votre engagement de paiement: F-4")


def test_the_mail_goes_to_the_contact_under_the_letters_own_message_id() -> None:
    mail = mail_for("rem-1", "Sollecito", Language.IT, AP, "x.example")
    assert (mail.to, mail.message_id, mail.body) == (
        "anne@x.example", "<rem-1@x.example>", "In allegato la nostra lettera (PDF).")


def test_a_refused_send_is_tried_again_later_then_handed_to_a_person() -> None:
    assert retry_at(1, NOW) == NOW + timedelta(minutes=1)
    assert retry_at(4, NOW) == NOW + timedelta(hours=2)
    assert retry_at(5, NOW) is None


def test_only_a_permanent_refusal_of_the_address_is_a_bounce() -> None:
    assert bounced(550) and bounced(553)
    assert not bounced(451) and not bounced(421)  # "try again later": retried
