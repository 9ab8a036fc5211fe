"""Calls: the person spoken to travels sealed with the customer's key; once the customer's
personal data was erased, the call is kept and the name is not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledgerline_collections.domain.calls import LogCall, decide_log_call
from ledgerline_events.contract.collections import CallOutcome, CollectionCallLogged
from ledgerline_events.contract.personal_data import new_key, seal, unseal
from ledgerline_events.contract.refusals import InvalidRequest

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
CALL = LogCall("call-1", "C-1", "Anne Moreau", CallOutcome.REACHED, NOW, "col-1", "will pay")


def test_the_person_spoken_to_is_sealed_with_the_customers_key() -> None:
    key = new_key()
    [logged] = decide_log_call(CALL, NOW, lambda name: seal(name, "C-1", key))
    assert isinstance(logged, CollectionCallLogged)
    assert "Anne Moreau" not in logged.model_dump_json()
    assert unseal(logged.contact, key) == "Anne Moreau"


def test_once_erased_the_call_is_kept_without_the_name() -> None:
    [logged] = decide_log_call(CALL, NOW, None)
    assert isinstance(logged, CollectionCallLogged)
    assert logged.contact is None and logged.contact_in_plain == "" and logged.note == "will pay"


def test_a_call_cannot_be_dated_in_the_future() -> None:
    later = LogCall("call-2", "C-1", "Anne", CallOutcome.REACHED, NOW.replace(hour=11), "col-1")
    with pytest.raises(InvalidRequest):
        decide_log_call(later, NOW, None)
