"""The customer master: details and contacts as collectors need them, personal data sealed
for the log, the ERP's view replacing only what came from the ERP."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ledgerline_collections.domain.customer_master import (
    Contact,
    CustomerMaster,
    erase,
    record_details,
    remove_contact,
    replay,
    save_contact,
    take_from_erp,
)
from ledgerline_events.contract import Event
from ledgerline_events.contract.customer_master import (
    Address,
    Channel,
    ContactRemoved,
    ContactRole,
    ContactSaved,
    CustomerDetails,
    CustomerDetailsRecorded,
    CustomerUpserted,
    InboundContact,
)
from ledgerline_events.contract.personal_data import Sealed, new_key, seal, unseal
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict

KEY = new_key()
DETAILS = CustomerDetails(legal_name="Verdi SpA", vat_id="IT01234567890", language="it",
                          billing_address=Address(lines=["Via Roma 1"], postcode="20121",
                                                  city="Milano", country="IT"))
ANNA = Contact("c-1", ContactRole.ACCOUNTS_PAYABLE, "Anna Verdi", "anna@verdi.example",
               "+39 02 1234 5678", "Mon-Fri 9:00-12:00")


def sealed(text: str) -> Sealed:
    return seal(text, "C-1", KEY)


def opened(master_events: list[Event]) -> CustomerMaster:
    return replay("C-1", master_events, lambda s: unseal(s, KEY))


def test_a_contact_is_kept_sealed_in_its_event_and_read_back_plain() -> None:
    [saved] = save_contact(CustomerMaster("C-1"), ANNA, "col-1", sealed)
    assert isinstance(saved, ContactSaved)
    assert "Anna" not in saved.model_dump_json() and "verdi.example" not in saved.model_dump_json()
    assert opened([saved]).contacts == {"c-1": ANNA}


def test_saving_the_same_contact_or_details_again_records_nothing() -> None:
    events = [*record_details(CustomerMaster("C-1"), DETAILS, "fin-1"),
              *save_contact(CustomerMaster("C-1"), ANNA, "col-1", sealed)]
    master = opened(events)
    assert record_details(master, DETAILS, "fin-1") == []
    assert save_contact(master, ANNA, "col-1", sealed) == []


@pytest.mark.parametrize(("change", "rule"), [
    ({"email": "anna-at-verdi"}, "email_address"),
    ({"phone": "call me"}, "phone_number"),
    ({"email": None, "preferred_channel": Channel.EMAIL}, "channel_reachable"),
])
def test_a_contact_that_cannot_be_reached_is_refused_naming_the_field(
    change: dict[str, Any], rule: str,
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        save_contact(CustomerMaster("C-1"), replace(ANNA, **change), "col-1", sealed)
    assert refused.value.rule == rule


def test_removing_an_unknown_contact_is_not_found() -> None:
    with pytest.raises(NotFound):
        remove_contact(CustomerMaster("C-1"), "c-9", "col-1")


def test_the_erps_view_replaces_its_own_contacts_and_keeps_the_collectors() -> None:
    inbound = InboundContact(contact_ref="77", role=ContactRole.BILLING, name="Luca Bianchi",
                             email="luca@verdi.example")
    first = take_from_erp(CustomerMaster("C-1"),
                          CustomerUpserted(customer_id="C-1", details=DETAILS, contacts=[inbound]),
                          sealed)
    master = opened([*first, *save_contact(CustomerMaster("C-1"), ANNA, "col-1", sealed)])
    assert set(master.contacts) == {"erp-77", "c-1"}
    again = take_from_erp(master, CustomerUpserted(customer_id="C-1", details=DETAILS), sealed)
    assert again == [ContactRemoved(contact_id="erp-77", changed_by="erp")]
    assert isinstance(first[0], CustomerDetailsRecorded)


def test_after_erasure_no_contact_is_kept_or_taken_again() -> None:
    master = opened([*save_contact(CustomerMaster("C-1"), ANNA, "col-1", sealed)])
    erased = opened([*save_contact(CustomerMaster("C-1"), ANNA, "col-1", sealed),
                     *erase(master, "dpo-1", "data subject's request")])
    assert erased.contacts == {} and erased.erased
    assert erase(erased, "dpo-1", "again") == []
    with pytest.raises(StateConflict) as refused:
        save_contact(erased, ANNA, "col-1", sealed)
    assert refused.value.rule == "personal_data_erased"


def test_a_sealed_value_is_unreadable_once_its_key_is_gone() -> None:
    assert unseal(sealed("Anna Verdi"), None) is None
    with pytest.raises(ValueError, match="does not open"):
        unseal(sealed("Anna Verdi"), new_key())
