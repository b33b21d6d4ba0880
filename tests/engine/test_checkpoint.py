"""Checkpointed changelogs: what a store restores to after a crash at any point."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.engine.drivers.checkpoint import (
    CHECKPOINT_KEY,
    Checkpointer,
    TrackedStore,
    plan_restore,
    tracked_store,
)

Record = tuple[bytes | None, bytes | None]


class Topics:
    """Changelog topics in memory: what `Checkpointer.write` produced, per topic."""

    def __init__(self) -> None:
        self.records: dict[str, list[Record]] = {}

    def produce(self, topic: str, key: Any, value: Any, ts: int, headers: Any) -> None:
        self.records.setdefault(topic, []).append((key, value))


def _stores(*names: str) -> list[TrackedStore]:
    return [tracked_store(name, f"{name}-changelog", False)[1] for name in names]


def _restore(topics: dict[str, list[Record]], names: tuple[str, ...]) -> tuple[Any, ...]:
    fresh = _stores(*names)
    plan = plan_restore({t.topic: topics.get(t.topic, []) for t in fresh})
    plan.apply({t.topic: t for t in fresh})
    return plan, fresh


def _run(checkpoints: list[dict[str, dict[Any, Any]]], names: tuple[str, ...]) -> Topics:
    """Write each checkpoint's changes (per store) and offsets, as a query would."""
    topics = Topics()
    stores = _stores(*names)
    checkpointer = Checkpointer(stores, topics.produce)
    for number, changes in enumerate(checkpoints):
        for tracked in stores:
            for key, value in changes.get(tracked.store.name, {}).items():
                tracked.store.put(key, value, 0)
        checkpointer.processed("input", 0, number * 10 + 9)
        checkpointer.write()
    return topics


def _cut(records: list[Record], keep: int) -> list[Record]:
    """A changelog as a crash left it: only its first `keep` records reached the broker."""
    return records[:keep]


def test_a_clean_stop_restores_everything() -> None:
    topics = _run([{"A": {("k",): 1}}, {"A": {("k",): 2, ("j",): 5}}], ("A",))
    plan, (store,) = _restore(topics.records, ("A",))
    assert store.store.data == {("k",): 2, ("j",): 5}
    assert plan.resume == {("input", 0): 20}
    assert plan.next_sequence == 2
    assert not store.dirty


def test_changes_after_the_last_marker_are_ignored_and_rewritten() -> None:
    topics = _run([{"A": {("k",): 1}}, {"A": {("k",): 2, ("j",): 5}}], ("A",))
    log = topics.records["A-changelog"]
    # The crash came after the second checkpoint's first change, before its marker.
    plan, (store,) = _restore({"A-changelog": _cut(log, 3)}, ("A",))
    assert store.store.data == {("k",): 1}
    assert plan.resume == {("input", 0): 10}
    assert set(store.dirty) == {("k",)}  # the orphan write of k is overwritten next time


@pytest.mark.parametrize(
    ("a_keep", "b_keep", "expected_a", "expected_b", "resume"),
    [
        # Both stores completed checkpoint 2.
        (None, None, {("x",): 2}, {("y",): 20}, 20),
        # A completed checkpoint 2, B only checkpoint 1: both restore to checkpoint 1.
        (None, 2, {("x",): 1}, {("y",): 10}, 10),
        # B completed checkpoint 2, A only checkpoint 1.
        (2, None, {("x",): 1}, {("y",): 10}, 10),
    ],
)
def test_stores_restore_to_the_checkpoint_all_of_them_completed(
    a_keep: int | None,
    b_keep: int | None,
    expected_a: dict[Any, Any],
    expected_b: dict[Any, Any],
    resume: int,
) -> None:
    topics = _run(
        [{"A": {("x",): 1}, "B": {("y",): 10}}, {"A": {("x",): 2}, "B": {("y",): 20}}],
        ("A", "B"),
    )
    a, b = topics.records["A-changelog"], topics.records["B-changelog"]
    records = {
        "A-changelog": a if a_keep is None else _cut(a, a_keep),
        "B-changelog": b if b_keep is None else _cut(b, b_keep),
    }
    plan, (store_a, store_b) = _restore(records, ("A", "B"))
    assert (store_a.store.data, store_b.store.data) == (expected_a, expected_b)
    assert plan.resume == {("input", 0): resume}


def test_a_store_ahead_is_repaired_by_the_next_checkpoint() -> None:
    names = ("A", "B")
    topics = _run([{"A": {("x",): 1}, "B": {("y",): 10}}, {"A": {("x",): 2}}], names)
    # B never saw checkpoint 2's marker: A is one checkpoint ahead.
    records = {
        "A-changelog": topics.records["A-changelog"],
        "B-changelog": _cut(topics.records["B-changelog"], 2),
    }
    plan, stores = _restore(records, names)
    assert stores[0].store.data == {("x",): 1}
    # The resumed run checkpoints (with a higher sequence) and is then restored again.
    checkpointer = Checkpointer(stores, lambda t, k, v, ts, h: records[t].append((k, v)))
    checkpointer.sequence = plan.next_sequence
    checkpointer.offsets.update(plan.resume)
    checkpointer.write()
    _, again = _restore(records, names)
    assert again[0].store.data == {("x",): 1}
    assert again[1].store.data == {("y",): 10}


def test_markers_alternate_keys_and_undecodable_records_are_skipped() -> None:
    topics = _run([{"A": {("k",): 1}}, {"A": {("k",): 2}}], ("A",))
    log = topics.records["A-changelog"]
    markers = [key for key, _ in log if key is not None and key.startswith(CHECKPOINT_KEY)]
    assert len(set(markers)) == 2
    _, (store,) = _restore({"A-changelog": [(b"\xff", b"junk"), *log]}, ("A",))
    assert store.store.data == {("k",): 2}


def test_window_expiry_reaches_the_changelog() -> None:
    store, tracker = tracked_store("W", "W-changelog", True)
    store.put(("k", 0, 100), 1, 50)
    store.put(("k", 100, 200), 2, 150)
    tracker.dirty.clear()
    store.expire(150)  # windows that ended before 150
    assert store.data == {("k", 100, 200): 2}
    assert set(tracker.dirty) == {("k", 0, 100)}


def test_bulk_restore_of_a_window_store_equals_restoring_one_by_one() -> None:
    import random

    from ksqlmv.engine.runtime.stores import WindowStore

    rng = random.Random(3)
    records = []
    for _ in range(2_000):
        start = rng.randrange(10) * 100
        slot = ((f"k{rng.randrange(20)}",), start, start + 100)
        records.append((slot, None if rng.random() < 0.2 else rng.randrange(1000)))
    one, bulk = WindowStore("one"), WindowStore("bulk")
    for slot, value in records:
        one.restore(slot, value)
    bulk.restore_many(records)
    assert bulk.data == one.data
    assert bulk.by_key == one.by_key
    one.expire(500)
    bulk.expire(500)
    assert bulk.data == one.data
    assert all(end >= 500 for (_, _, end) in bulk.data)


def test_decoding_many_records_isolates_the_ones_that_do_not_decode() -> None:
    import os
    import pickle

    from ksqlmv.engine.runtime.codec import decode_many, encode

    good = [encode(((f"k{i}",), i, i + 1)) for i in range(5)]
    refers_to_code = pickle.dumps(os.system)  # would run code if loaded with plain pickle
    mixed = [*good[:2], b"\x80\x05junk", refers_to_code, encode(7)[:-1], *good[2:]]
    found = decode_many(mixed)
    assert found[:2] == [(("k0",), 0, 1), (("k1",), 1, 2)]
    assert all(isinstance(item, ValueError) for item in found[2:5])
    assert found[5:] == [((f"k{i}",), i, i + 1) for i in range(2, 5)]
    assert decode_many(good) == [((f"k{i}",), i, i + 1) for i in range(5)]


def test_decoding_many_records_keeps_each_records_shared_objects_its_own() -> None:
    # Pickle memoizes objects a record holds twice (equal strings, the same Decimal); each record
    # refers back to its own memo, never to an earlier record's.
    from decimal import Decimal

    from ksqlmv.engine.runtime.codec import decode_many, encode

    records = [
        ((symbol, symbol), [Decimal(price), [Decimal(price)]], start)
        for symbol, price, start in [("ACME", "389.97", 0), ("INIT", "249.66", 60_000)]
    ]
    assert decode_many([encode(record) for record in records]) == records
