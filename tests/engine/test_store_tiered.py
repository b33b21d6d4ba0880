"""Table stores bounded in memory: entries over the limit live on disk, reads find them there.

The unit tests drive `tracked_store` + `Checkpointer` as the Kafka driver does (changes, then a
checkpoint); the model test checks every read against a plain dict after each step.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer

from ksqlmv.engine.drivers.checkpoint import (
    STATE_DIR_PROPERTY,
    Checkpointer,
    TrackedStore,
    bound_memory,
    plan_restore,
    tracked_store,
)
from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.queries.views import table_view
from ksqlmv.engine.runtime.bloom import KeyFilter
from ksqlmv.engine.runtime.tiered import (
    DEFAULT_MEMORY_ENTRIES,
    MEMORY_ENTRIES_PROPERTY,
    MemoryData,
    TieredData,
)
from ksqlmv.engine.serde.registry import InMemorySchemaRegistry

Record = tuple[bytes | None, bytes | None]


class Changelog:
    """Changelog topics in memory, as `Checkpointer.write` produces them."""

    def __init__(self) -> None:
        self.records: dict[str, list[Record]] = {}

    def produce(self, topic: str, key: Any, value: Any, ts: int, headers: Any) -> None:
        self.records.setdefault(topic, []).append((key, value))


def _bounded(tmp_path: Path, limit: int, name: str = "S") -> TrackedStore:
    tracker = tracked_store(name, f"{name}-changelog", windowed=False)[1]
    bound_memory([tracker], {STATE_DIR_PROPERTY: str(tmp_path), MEMORY_ENTRIES_PROPERTY: limit})
    return tracker


def _in_memory(tracker: TrackedStore) -> int:
    return dict.__len__(tracker.store.data)


def test_a_store_under_its_limit_stays_a_plain_dict_in_memory(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path, 10)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    for i in range(10):
        tracker.store.put((f"k{i}",), i)
        checkpointer.write()
    assert type(tracker.store.data) is MemoryData
    assert tracker.spill is not None and tracker.spill.disk is not None
    assert tracker.spill.disk.count() == 0  # nothing written to disk while memory holds all


def test_entries_over_the_limit_move_to_disk_and_read_back(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path, 10)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    expected = {}
    for i in range(200):
        key, value = (f"k{i}",), (i, f"row {i}", None)
        tracker.store.put(key, value)
        expected[key] = value
        if i % 7 == 6:
            checkpointer.write()
            assert _in_memory(tracker) <= 10
    checkpointer.write()
    data = tracker.store.data
    assert type(data) is TieredData
    assert _in_memory(tracker) == 10
    assert {key: data.get(key) for key in expected} == expected
    assert {key: data[key] for key in expected} == expected
    assert all(key in data for key in expected) and ("nope",) not in data
    assert data.get(("nope",), "default") == "default"
    assert dict(data.items()) == expected
    assert sorted(data.values()) == sorted(expected.values())
    assert len(data) == len(tracker.store) == 200
    assert list(tmp_path.glob("S-changelog.*.sqlite"))


def test_recently_written_keys_stay_in_memory(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path, 5)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    for i in range(20):
        tracker.store.put((f"k{i}",), i)
    checkpointer.write()
    tracker.store.put(("k0",), "again")  # the oldest key, written again
    checkpointer.write()
    assert dict.__contains__(tracker.store.data, ("k0",))
    assert tracker.store.data.get(("k0",)) == "again"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_read_matches_a_plain_dict(tmp_path: Path, seed: int) -> None:
    """Random puts, deletes, reads and checkpoints over 60 keys with 8 in memory."""
    rng = random.Random(seed)
    tracker = _bounded(tmp_path, 8)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    store, model = tracker.store, {}
    keys = [(f"k{i}", i % 3) for i in range(60)]
    for step in range(1500):
        key = rng.choice(keys)
        action = rng.random()
        if action < 0.55:
            store.put(key, [step, key[0]])
            model[key] = [step, key[0]]
        elif action < 0.75:
            store.put(key, None)
            model.pop(key, None)
        elif action < 0.9:
            assert store.data.get(key) == model.get(key), step
            assert (key in store.data) == (key in model), step
        else:
            checkpointer.write()
            assert _in_memory(tracker) <= 8
        if step % 250 == 0:
            assert dict(store.data.items()) == model
            assert len(store.data) == len(model)
    checkpointer.write()
    assert dict(store.data.items()) == model
    assert {key: store.data.get(key) for key in keys} == {key: model.get(key) for key in keys}


def test_a_restore_of_more_than_the_limit_goes_to_disk(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path / "first", 1000)
    changelog = Changelog()
    checkpointer = Checkpointer([tracker], changelog.produce)
    expected = {(f"k{i}",): {"n": i} for i in range(300)}
    for key, value in expected.items():
        tracker.store.put(key, value)
    tracker.store.put(("k7",), None)
    del expected[("k7",)]
    checkpointer.write()

    for limit, tiered in ((50, True), (1000, False)):
        fresh = _bounded(tmp_path / f"restored-{limit}", limit)
        plan = plan_restore({fresh.topic: changelog.records[tracker.topic]})
        assert plan.apply({fresh.topic: fresh}) == 300  # with the tombstone of k7
        data = fresh.store.data
        assert (type(data) is TieredData) is tiered
        assert _in_memory(fresh) == (0 if tiered else 299)
        assert dict(data.items()) == expected
        assert data.get(("k8",)) == {"n": 8} and data.get(("k7",)) is None


def test_a_pull_querys_thread_reads_disk_without_filling_memory(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path, 4)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    for i in range(40):
        tracker.store.put((f"k{i}",), i)
    checkpointer.write()
    found: list[Any] = []
    reader = threading.Thread(
        target=lambda: found.extend(tracker.store.data.get((f"k{i}",)) for i in range(40))
    )
    reader.start()
    reader.join()
    assert found == list(range(40))
    assert _in_memory(tracker) == 4
    # The query's own thread keeps what it reads in memory until the next checkpoint.
    assert tracker.store.data.get(("k0",)) == 0
    assert _in_memory(tracker) == 5
    checkpointer.write()
    assert _in_memory(tracker) == 4


def test_a_bad_bound_falls_back_to_the_default(tmp_path: Path) -> None:
    tracker = tracked_store("S", "S-changelog", windowed=False)[1]
    bound_memory([tracker], {STATE_DIR_PROPERTY: str(tmp_path), MEMORY_ENTRIES_PROPERTY: "lots"})
    assert tracker.spill is not None and tracker.spill.limit == DEFAULT_MEMORY_ENTRIES


def test_windowed_stores_stay_in_memory(tmp_path: Path) -> None:
    tracker = tracked_store("W", "W-changelog", windowed=True)[1]
    bound_memory([tracker], {STATE_DIR_PROPERTY: str(tmp_path), MEMORY_ENTRIES_PROPERTY: 1})
    assert tracker.spill is None and type(tracker.store.data) is dict
    assert not list(tmp_path.iterdir())


# -- on the embedded broker -----------------------------------------------------------------------


@pytest.mark.integration
def test_a_table_of_fresh_keys_levels_off_in_memory(
    embedded_broker: Any, tmp_path: Path, sampled_max: Any
) -> None:
    """A key per record, 20 times the bound: memory holds at most the bound after each
    checkpoint, pull queries' views find every key, and a restart restores them all to disk."""
    limit, total = 150, 3000
    suffix = tmp_path.name[-12:].replace("-", "_")
    source, sink, service = f"ids_{suffix}", f"latest_{suffix}", f"tier_{suffix}_"
    statements = (
        f"CREATE STREAM IDS (ID STRING KEY, N INT) WITH (KAFKA_TOPIC='{source}', PARTITIONS=1,"
        " VALUE_FORMAT='JSON');"
        f"CREATE TABLE LATEST WITH (KAFKA_TOPIC='{sink}') AS SELECT ID, LATEST_BY_OFFSET(N) AS N,"
        " COUNT(*) AS C FROM IDS GROUP BY ID;"
    )
    properties = {
        "ksql.service.id": service,
        "auto.offset.reset": "earliest",
        STATE_DIR_PROPERTY: str(tmp_path / "state"),
        MEMORY_ENTRIES_PROPERTY: limit,
    }
    config = {"bootstrap.servers": embedded_broker.bootstrap_servers}
    registry = InMemorySchemaRegistry()

    def start() -> tuple[KsqlEngine, KafkaDriver, Any]:
        driver = KafkaDriver(config, registry, commit_interval=0.05)
        engine = KsqlEngine(driver, properties=dict(properties))
        engine.execute(statements)
        (query_id,) = engine.queries
        assert driver.wait_ready(query_id, 30)
        return engine, driver, engine.queries[query_id]

    engine, driver, query = start()
    data = query.stores["Aggregate-Aggregate-Materialize"].data
    producer = Producer(config)
    with sampled_max(lambda: dict.__len__(data)) as peak:
        for i in range(total):
            producer.produce(source, json.dumps({"N": i}).encode(), f"id{i}".encode())
            if i % 500 == 499:
                producer.flush(10)
                time.sleep(0.2)  # a few checkpoints per batch, as a steady stream has
        assert producer.flush(10) == 0
        _wait(lambda: len(_view(engine)) == total)
    time.sleep(0.3)  # a checkpoint after the last record
    assert type(data) is TieredData
    assert dict.__len__(data) <= limit
    print(f"peak entries in memory: {peak.value} (bound {limit})")
    assert peak.value < total / 4, peak.value  # bounded by a checkpoint's worth of records
    view = _view(engine)
    wanted = [(f"id{i}",) for i in range(0, total, 7)]
    assert {key: row[:2] for key, row, _, _ in view.lookup(wanted)} == {
        (key,): (int(key[2:]), 1) for (key,) in wanted
    }
    assert len(list(view.scan())) == total
    driver.close()

    engine, driver, query = start()  # restored from the changelog, straight to disk
    try:
        data = query.stores["Aggregate-Aggregate-Materialize"].data
        assert type(data) is TieredData
        assert dict.__len__(data) <= limit
        view = _view(engine)
        assert {key[0]: row[0] for key, row, _, _ in view.scan()} == {
            f"id{i}": i for i in range(total)
        }
    finally:
        driver.close()


def _view(engine: KsqlEngine) -> Any:
    found = table_view(engine, engine.catalog.sources["LATEST"])
    assert found is not None
    return found


def _wait(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class _Peak:
    value = 0


@pytest.fixture
def sampled_max() -> Any:
    """`with sampled_max(read) as peak:` samples `read()` every 5 ms; `peak.value` is its max."""

    @contextlib.contextmanager
    def sample(read: Any) -> Any:
        peak, stop = _Peak(), threading.Event()

        def run() -> None:
            while not stop.is_set():
                peak.value = max(peak.value, read())
                time.sleep(0.005)

        sampler = threading.Thread(target=run, daemon=True)
        sampler.start()
        try:
            yield peak
        finally:
            stop.set()
            sampler.join()

    return sample


def test_the_key_filter_never_misses_a_key_it_was_given() -> None:
    seen = KeyFilter(50_000)
    for i in range(50_000):
        seen.add((f"order-{i}", i % 7))
    assert all((f"order-{i}", i % 7) in seen for i in range(50_000))
    false_positives = sum((f"other-{i}",) in seen for i in range(50_000))
    assert false_positives < 50_000 * 0.03, false_positives
    assert not seen.full()
    seen.add(("one more",))
    assert seen.full()


def test_a_full_key_filter_is_rebuilt_from_disk(tmp_path: Path) -> None:
    tracker = _bounded(tmp_path, 5)
    checkpointer = Checkpointer([tracker], Changelog().produce)
    for i in range(20):
        tracker.store.put((f"k{i}",), i)
    checkpointer.write()
    data = tracker.store.data
    assert isinstance(data, TieredData)
    data.seen = KeyFilter(4)  # as if sized for fewer keys than the disk now holds
    for key in [(f"k{i}",) for i in range(20)]:
        data.seen.add(key)
    for i in range(20, 40):
        tracker.store.put((f"k{i}",), i)
    checkpointer.write()
    assert data.seen.capacity > 4  # rebuilt, from every key on disk
    assert {(f"k{i}",): data.get((f"k{i}",)) for i in range(40)} == {
        (f"k{i}",): i for i in range(40)
    }
    assert ("k-absent",) not in data


def test_a_state_dir_that_cannot_be_written_keeps_the_store_in_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    tracker = tracked_store("S", "S-changelog", windowed=False)[1]
    bound_memory([tracker], {STATE_DIR_PROPERTY: str(blocked), MEMORY_ENTRIES_PROPERTY: 2})
    checkpointer = Checkpointer([tracker], Changelog().produce)
    for i in range(10):
        tracker.store.put((f"k{i}",), i)
    checkpointer.write()
    assert _in_memory(tracker) == 10
    assert dict(tracker.store.data.items()) == {(f"k{i}",): i for i in range(10)}
