from aiokafka import TopicPartition

from ledgerline_events.runtime.parallel_rebuild import shares


def test_a_worker_takes_the_same_partition_number_of_every_topic() -> None:
    tps = [TopicPartition(t, p) for t in ("invoicing", "cash") for p in range(3)]
    assert shares(tps, 2) == [
        [TopicPartition("invoicing", 0), TopicPartition("invoicing", 2),
         TopicPartition("cash", 0), TopicPartition("cash", 2)],
        [TopicPartition("invoicing", 1), TopicPartition("cash", 1)],
    ]


def test_more_workers_than_partitions_leaves_no_idle_worker() -> None:
    tps = [TopicPartition("invoicing", p) for p in range(3)]
    assert [len(s) for s in shares(tps, 8)] == [1, 1, 1]


def test_the_busiest_partitions_are_spread_so_workers_finish_together() -> None:
    sizes = {TopicPartition("invoicing", p): n for p, n in enumerate([900, 100, 500, 500, 0, 0])}
    work = shares(list(sizes), 2, sizes)
    assert [sum(sizes[tp] for tp in share) for share in work] == [1000, 1000]


def test_six_partitions_split_evenly_between_two_and_three_workers() -> None:
    tps = [TopicPartition(t, p) for t in ("invoicing", "cash") for p in range(6)]
    assert [len(s) for s in shares(tps, 2)] == [6, 6]
    assert [len(s) for s in shares(tps, 3)] == [4, 4, 4]
