"""The review step of the scheduled dunning run: the run's letters are proposed (a dry run,
nothing sent) and go out only once a collector approves them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ledgerline_events.contract import Event
from ledgerline_events.contract.collections import DunningRunApproved, DunningRunProposed
from ledgerline_events.contract.refusals import NotFound, StateConflict


def run_id_for(run_date: date) -> str:
    """One proposal per run date: the scheduled run of a day is proposed once."""
    return f"run-{run_date.isoformat()}"


def decide_approve_run(history: Iterable[Event], run_id: str, approved_by: str
                       ) -> tuple[DunningRunProposed, list[DunningRunApproved]]:
    """A proposed run is approved once; its letters then go out."""
    events = list(history)
    proposed = next((e for e in events if isinstance(e, DunningRunProposed)), None)
    if proposed is None:
        raise NotFound("run_proposed", f"no proposed run {run_id}", "run_id")
    if any(isinstance(e, DunningRunApproved) for e in events):
        raise StateConflict("run_already_approved", "the run is already approved", "run_id")
    return proposed, [DunningRunApproved(run_id=run_id, run_date=proposed.run_date,
                                         approved_by=approved_by)]
