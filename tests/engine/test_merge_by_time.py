"""merge_by_time keeps each partition in offset order and interleaves the partitions by the
timestamps at their heads; an out-of-order record stays where its partition has it."""

from __future__ import annotations

import pytest

from ksqlmv.engine.drivers.feeds import Record, merge_by_time


def _records(spec: list[tuple[str, int]]) -> list[Record]:
    return [(topic, None, None, ts, (), 0, offset) for offset, (topic, ts) in enumerate(spec)]


@pytest.mark.parametrize(
    ("batch", "order"),
    [
        ([("a", 1), ("b", 2), ("a", 3)], [("a", 1), ("b", 2), ("a", 3)]),
        ([("a", 5), ("a", 6), ("b", 1), ("b", 7)], [("b", 1), ("a", 5), ("a", 6), ("b", 7)]),
        # a late record of a (1) is not moved ahead of a's earlier 10: a's head is 10 until then
        ([("a", 10), ("a", 1), ("b", 5), ("b", 20)], [("b", 5), ("a", 10), ("a", 1), ("b", 20)]),
        ([("a", 3), ("a", 2), ("a", 1)], [("a", 3), ("a", 2), ("a", 1)]),
    ],
)
def test_partitions_keep_their_order(
    batch: list[tuple[str, int]], order: list[tuple[str, int]]
) -> None:
    assert [(r[0], r[3]) for r in merge_by_time(_records(batch))] == order
