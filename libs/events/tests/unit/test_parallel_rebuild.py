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
