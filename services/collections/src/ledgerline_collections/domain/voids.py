"""Voiding a letter sent in error: the letter stays in the log, a ReminderVoided says who
voided it, when and why, and from that day the ladder goes on as if it had not been sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ledgerline_events.contract.collections import ReminderSent, ReminderVoided
from ledgerline_events.contract.refusals import NotFound, StateConflict


@dataclass(frozen=True)
class VoidLetter:
    """Command: void letter `reminder_id`, for `reason`, by `voided_by`, on `voided_on`."""

    reminder_id: str
    reason: str
    voided_by: str
    voided_on: date


def decide_void_letter(
    letters: Iterable[ReminderSent], voids: Iterable[ReminderVoided], cmd: VoidLetter
) -> list[ReminderVoided]:
    """A letter is voided once. It may be voided before the day it is dated: a letter dated
    in the future by mistake is exactly what needs voiding."""
    letter = next((r for r in letters if r.reminder_id == cmd.reminder_id), None)
    if letter is None:
        raise NotFound("letter_exists", f"no letter {cmd.reminder_id}", "reminder_id")
    if any(v.reminder_id == cmd.reminder_id for v in voids):
        raise StateConflict("letter_already_voided", "the letter is already void", "reminder_id")
    return [ReminderVoided(reminder_id=cmd.reminder_id, reason=cmd.reason,
                           voided_by=cmd.voided_by, voided_on=cmd.voided_on)]
