"""Collection calls: a collector's record of speaking (or trying to) to the customer. The
person's name is personal data: it travels sealed with the customer's key, and is not kept at
all once the customer's personal data was erased."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerline_events.contract import Event
from ledgerline_events.contract.business_time import not_in_the_future
from ledgerline_events.contract.collections import CallOutcome, CollectionCallLogged
from ledgerline_events.contract.personal_data import Sealed

Seal = Callable[[str], Sealed]


@dataclass(frozen=True)
class LogCall:
    """Command: log a call to the customer with its outcome."""

    call_id: str
    customer_id: str
    contact_person: str
    outcome: CallOutcome
    called_at: datetime
    collector: str
    note: str = ""


def decide_log_call(cmd: LogCall, now: datetime, seal: Seal | None) -> list[Event]:
    """A call is logged as it happened; it cannot be dated in the future. `seal` is None once
    the customer's personal data was erased: the call is kept, the name is not."""
    not_in_the_future("called_at", cmd.called_at, now)
    return [
        CollectionCallLogged(
            call_id=cmd.call_id,
            contact=seal(cmd.contact_person) if seal else None,
            outcome=cmd.outcome,
            note=cmd.note,
            called_at=cmd.called_at,
            collector=cmd.collector,
        )
    ]
