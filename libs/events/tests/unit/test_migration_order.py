"""Each owner numbers its migrations 1, 2, 3...: a gap or a repeat is refused before any runs."""

import pytest

from ledgerline_events.runtime.migrations import Migration, check_order


async def nothing(conn: object, schema: str) -> None: ...


def test_versions_of_each_owner_follow_one_another() -> None:
    check_order([Migration("event_store", 1, "events", nothing), Migration("cash", 1, "a", nothing),
                 Migration("cash", 2, "b", nothing)])


@pytest.mark.parametrize("versions", [(1, 3), (1, 1), (2,)])
def test_a_gap_or_a_repeat_is_refused(versions: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="expected version"):
        check_order([Migration("cash", v, f"m{v}", nothing) for v in versions])
