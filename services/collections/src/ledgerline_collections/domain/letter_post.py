"""The letter post: whom a letter (a dunning letter, a promise's confirmation) goes to, with
which subject, and what to do when a send fails. Pure rules; the sender
(application/letter_delivery.py) does the I/O.

A letter goes by e-mail to the person in charge of paying (accounts payable), else to the
billing contact, else to any contact who has an e-mail address; a customer with none gets it
on paper (the print queue). A failed send is tried again later, a few times, then handed to a
person; an address the mail server refuses for good (a bounce) sends the letter to print; a
send the sender may have completed before it stopped is never repeated by itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerline_events.contract.collections import DunningLevel
from ledgerline_events.contract.customer_master import ContactRole
from ledgerline_events.contract.sales import Language

from .customer_master import Contact
from .letters import letter_language

PREFERRED_ROLES = (ContactRole.ACCOUNTS_PAYABLE, ContactRole.BILLING)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
               timedelta(hours=2))  # then a person takes it over
SUBJECTS: dict[Language, dict[DunningLevel, str]] = {
    Language.EN: {DunningLevel.FRIENDLY_REMINDER: "Payment reminder",
                  DunningLevel.REMINDER: "Second payment reminder",
                  DunningLevel.FINAL_NOTICE: "Final notice before collection",
                  DunningLevel.AGENCY_HANDOVER: "Your account handed over for collection"},
    Language.FR: {DunningLevel.FRIENDLY_REMINDER: "Rappel de paiement",
                  DunningLevel.REMINDER: "Deuxième rappel de paiement",
                  DunningLevel.FINAL_NOTICE: "Mise en demeure avant recouvrement",
                  DunningLevel.AGENCY_HANDOVER: "Transmission de votre dossier au recouvrement"},
    Language.IT: {DunningLevel.FRIENDLY_REMINDER: "Sollecito di pagamento",
                  DunningLevel.REMINDER: "Secondo sollecito di pagamento",
                  DunningLevel.FINAL_NOTICE: "Diffida ad adempiere",
                  DunningLevel.AGENCY_HANDOVER: "Pratica affidata al recupero crediti"},
}
CONFIRMATION_SUBJECTS = {
    Language.EN: "Confirmation of your promise to pay",
    Language.FR: "Confirmation de votre engagement de paiement",
    Language.IT: "Conferma del vostro impegno di pagamento",
}
COPY_SUBJECTS = {
    Language.EN: "Copy of invoice",
    Language.FR: "Copie de la facture",
    Language.IT: "Copia della fattura",
}
BODIES = {
    Language.EN: "Please find our letter attached (PDF).",
    Language.FR: "Veuillez trouver notre courrier en pièce jointe (PDF).",
    Language.IT: "In allegato la nostra lettera (PDF).",
}


@dataclass(frozen=True)
class LetterPost:
    """Where letters are sent from (settings)."""

    smtp_host: str
    smtp_port: int
    sender: str  # the From address
    message_domain: str  # Message-IDs are <reminder id>@this
    batch: int = 20
    # A letter being sent is claimed this long; a claim that ran out means its sender stopped
    # mid-send (longer than the SMTP timeout, so a slow send is never taken for a stop).
    lease: timedelta = timedelta(minutes=2)


@dataclass(frozen=True)
class Mail:
    to: str
    contact_id: str
    subject: str
    body: str
    message_id: str


def recipient(contacts: Iterable[Contact]) -> Contact | None:
    """The contact a letter goes to by e-mail, or None (it goes on paper)."""
    reachable = [c for c in contacts if c.email]
    for role in PREFERRED_ROLES:
        for contact in sorted(reachable, key=lambda c: c.contact_id):
            if contact.role is role:
                return contact
    return min(reachable, key=lambda c: c.contact_id, default=None)


def dunning_subject(level: DunningLevel, language: Language, invoice_numbers: list[str]) -> str:
    return f"{SUBJECTS[letter_language(language)][level]}: {', '.join(invoice_numbers)}"[:200]


def confirmation_subject(language: Language, invoice_numbers: list[str]) -> str:
    return f"{CONFIRMATION_SUBJECTS[letter_language(language)]}: {', '.join(invoice_numbers)}"[:200]


def copy_subject(language: Language, invoice_number: str) -> str:
    return f"{COPY_SUBJECTS[letter_language(language)]} {invoice_number}"


def mail_for(document_id: str, subject: str, language: Language, contact: Contact,
             domain: str) -> Mail:
    """The mail carrying the letter; its Message-ID is the letter's, so a copy is known as one."""
    assert contact.email is not None
    return Mail(contact.email, contact.contact_id, subject, BODIES[letter_language(language)],
                f"<{document_id}@{domain}>")


def bounced(smtp_code: int) -> bool:
    """A 5xx reply to the recipient is final (RFC 5321 4.2.1): no retry will deliver it."""
    return 500 <= smtp_code <= 599


def retry_at(attempt: int, failed_at: datetime) -> datetime | None:
    """When to try again after the `attempt`-th failure; None when a person takes over."""
    return failed_at + RETRY_AFTER[attempt - 1] if attempt <= len(RETRY_AFTER) else None
