"""Instants given on the command line: an ISO 8601 instant with its UTC offset, a date
(the end of that day, 23:59:59.999999 UTC, as collections' `GET /ageing?as_of=` reads it)
or `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def parse_instant(text: str, now: datetime | None = None) -> datetime:
    if text == "now":
        return now or datetime.now(UTC)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError(f"{text!r}: give the instant's UTC offset (e.g. ...Z or +00:00)")
    return instant.astimezone(UTC)
