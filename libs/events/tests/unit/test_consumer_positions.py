from types import SimpleNamespace

from aiokafka import TopicPartition

from ledgerline_events.runtime.consumer import advance

TP = TopicPartition("invoicing", 0)


def batch(*offsets: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(offset=o) for o in offsets]


def test_a_batch_moves_the_position_past_its_last_record() -> None:
    positions = {TP: 10}
    advance(positions, {TP: batch(10, 11, 12)})
    assert positions == {TP: 13}


def test_records_fetched_before_the_seek_to_the_stored_offset_do_not_move_it_back() -> None:
    positions = {TP: 2707}  # the seek to what PostgreSQL stored
    advance(positions, {TP: batch(0, 1, 1962)})  # fetched from the start before the seek
    assert positions == {TP: 2707}


def test_a_partition_seen_first_in_a_batch_gets_its_position() -> None:
    positions: dict[TopicPartition, int] = {}
    advance(positions, {TP: batch(4, 5)})
    assert positions == {TP: 6}
