"""The customer master: details and the contacts to reach, as a collector needs them (the
person in charge of accounts payable, their phone, e-mail and working hours). Pure rules over
plain values; sealing personal data for the log is done by the caller's `Seal`.

A contact the ERP sends is named `erp-<its ref>`: the ERP's next view of the customer replaces
those, never the contacts collectors added. After the customer's personal data is erased, no
contact is kept or taken again (its key is gone)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ledgerline_events.contract import Event
from ledgerline_events.contract.customer_master import (
    Channel,
    ContactRemoved,
    ContactRole,
    ContactSaved,
    CustomerDetails,
    CustomerDetailsRecorded,
    CustomerUpserted,
    PersonalDataErased,
)
from ledgerline_events.contract.personal_data import Sealed
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict

Seal = Callable[[str], Sealed]
Open = Callable[[Sealed | None], str | None]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,30}$")
ERP = "erp-"


@dataclass(frozen=True)
class Contact:
    contact_id: str
    role: ContactRole
    name: str
    email: str | None = None
    phone: str | None = None
    working_hours: str = ""
    preferred_channel: Channel = Channel.EMAIL


@dataclass
class CustomerMaster:
    customer_id: str
    details: CustomerDetails | None = None
    contacts: dict[str, Contact] = field(default_factory=dict)
    erased: bool = False


def master_stream(customer_id: str) -> str:
    return f"customer-master:{customer_id}"


def replay(customer_id: str, history: Iterable[Event], open_: Open) -> CustomerMaster:
    master = CustomerMaster(customer_id)
    for event in history:
        match event:
            case CustomerDetailsRecorded(details=details):
                master.details = details
            case ContactSaved():
                master.contacts[event.contact_id] = _plain(event, open_)
            case ContactRemoved(contact_id=contact_id):
                master.contacts.pop(contact_id, None)
            case PersonalDataErased():
                master.contacts, master.erased = {}, True
    return master


def check_contact(contact: Contact) -> None:
    if contact.email is not None and not EMAIL.match(contact.email):
        raise InvalidRequest("email_address", f"{contact.email!r} is not an e-mail address", "email")
    if contact.phone is not None and not PHONE.match(contact.phone):
        raise InvalidRequest("phone_number", f"{contact.phone!r} is not a phone number", "phone")
    reachable = {Channel.EMAIL: contact.email, Channel.PHONE: contact.phone, Channel.POST: "post"}
    if not reachable[contact.preferred_channel]:
        raise InvalidRequest("channel_reachable", f"preferred channel {contact.preferred_channel}"
                             f" needs the contact's {contact.preferred_channel}",
                             "preferred_channel")


def record_details(master: CustomerMaster, details: CustomerDetails, by: str) -> list[Event]:
    return [] if master.details == details else [CustomerDetailsRecorded(details=details,
                                                                         changed_by=by)]


def save_contact(master: CustomerMaster, contact: Contact, by: str, seal: Seal) -> list[Event]:
    if master.erased:
        raise StateConflict("personal_data_erased",
                            f"the personal data of {master.customer_id} was erased: no contact "
                            "is kept for it", "contact_id")
    check_contact(contact)
    if master.contacts.get(contact.contact_id) == contact:
        return []
    return [ContactSaved(
        contact_id=contact.contact_id, role=contact.role, name=seal(contact.name),
        email=seal(contact.email) if contact.email else None,
        phone=seal(contact.phone) if contact.phone else None,
        working_hours=contact.working_hours, preferred_channel=contact.preferred_channel,
        changed_by=by)]


def remove_contact(master: CustomerMaster, contact_id: str, by: str) -> list[Event]:
    if contact_id not in master.contacts:
        raise NotFound("contact_exists", f"{master.customer_id} has no contact {contact_id}",
                       "contact_id")
    return [ContactRemoved(contact_id=contact_id, changed_by=by)]


def take_from_erp(master: CustomerMaster, upserted: CustomerUpserted, seal: Seal) -> list[Event]:
    """The ERP's whole view of the customer: its details, its contacts (named `erp-<ref>`)."""
    by = "erp"
    events = record_details(master, upserted.details, by)
    if master.erased:
        return events
    listed = {f"{ERP}{c.contact_ref}" for c in upserted.contacts}
    for c in upserted.contacts:
        contact = Contact(f"{ERP}{c.contact_ref}", c.role, c.name, c.email, c.phone,
                          c.working_hours, c.preferred_channel)
        events += save_contact(master, contact, by, seal)
    events += [ContactRemoved(contact_id=cid, changed_by=by) for cid in sorted(master.contacts)
               if cid.startswith(ERP) and cid not in listed]
    return events


def erase(master: CustomerMaster, by: str, reason: str) -> list[Event]:
    return [] if master.erased else [PersonalDataErased(requested_by=by, reason=reason)]


def _plain(event: ContactSaved, open_: Open) -> Contact:
    return Contact(event.contact_id, event.role, open_(event.name) or "", open_(event.email),
                   open_(event.phone), event.working_hours, event.preferred_channel)
