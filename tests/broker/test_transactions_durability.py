"""Transactions across `kill -9`: of the producer process, and of the broker.

A consume-transform-produce loop (txn_worker.py) copies a topic exactly once however often it is
killed; the broker's coordinator state survives its own `kill -9`: an open transaction can still
commit, a new producer aborts it, and a transaction decided but not written is completed.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
WORKER = Path(__file__).with_name("txn_worker.py")
RECORDS = 3000


def _create(bootstrap: str, *topics: str, partitions: int = 2) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    for future in admin.create_topics([NewTopic(t, partitions) for t in topics]).values():
        future.result(15)


def _fill(bootstrap: str, topic: str) -> list[bytes]:
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    values = [b"record-%05d" % n for n in range(RECORDS)]
    for number, value in enumerate(values):
        producer.produce(topic, value, b"%d" % (number % 7))
    assert producer.flush(30) == 0
    return values


def _read(
    bootstrap: str, topic: str, isolation: str, partitions: int = 2, settle: float = 1.5
) -> list[bytes]:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{time.monotonic_ns()}",
            "isolation.level": isolation,
            "logger": LOG,
        }
    )
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    found: list[bytes] = []
    idle = time.monotonic()
    while time.monotonic() - idle < settle:
        batch = [m for m in consumer.consume(5000, 0.2) if m.error() is None]
        if batch:
            idle = time.monotonic()
        found += [m.value() for m in batch]
    consumer.close()
    return found


def _worker(
    bootstrap: str, names: dict[str, str], pause: float, *, output: bool = True
) -> subprocess.Popen[str]:
    arguments = [names["in"], names["out"], names["group"], names["txn"], str(pause)]
    return subprocess.Popen(
        [sys.executable, str(WORKER), bootstrap, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if output else subprocess.DEVNULL,
        text=True,
    )


def _names(unique: Callable[[str], str]) -> dict[str, str]:
    return {key: unique(key) for key in ("in", "out", "group", "txn")}


def _wait_for_output(bootstrap: str, topic: str, at_least: int, timeout: float = 60) -> None:
    """Wait until `topic`'s partitions end past `at_least` offsets in all (markers included)."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "progress",
            "logger": LOG,
            "isolation.level": "read_uncommitted",
        }
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            ends = [
                consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in range(2)
            ]
            if sum(ends) >= at_least:
                return
            assert time.monotonic() < deadline, f"{topic} never reached {at_least} records"
            time.sleep(0.05)
    finally:
        consumer.close()


def _assert_exactly_once(bootstrap: str, names: dict[str, str], values: list[bytes]) -> None:
    got = Counter(_read(bootstrap, names["out"], "read_committed"))
    expected = Counter(value.upper() for value in values)
    assert got == expected, (
        f"{sum((expected - got).values())} missing, {sum((got - expected).values())} extra"
    )


def _finish(bootstrap: str, names: dict[str, str], pause: float) -> None:
    """Run workers until one reaches the end of the input (a fatal error restarts it)."""
    for _ in range(5):
        worker = _worker(bootstrap, names, pause)
        _, err = worker.communicate(timeout=180)
        if worker.returncode == 0:
            return
        LOG.warning("worker exited %s: %s", worker.returncode, err[-2000:])
    raise AssertionError("the worker never finished")


def test_consume_transform_produce_is_exactly_once_across_kill_9_of_the_worker(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    names = _names(unique)
    _create(bootstrap, names["in"], names["out"])
    values = _fill(bootstrap, names["in"])
    for kill in (1, 2, 3):
        worker = _worker(bootstrap, names, 0.1, output=False)
        try:
            _wait_for_output(bootstrap, names["out"], kill * RECORDS // 5)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
    _finish(bootstrap, names, 0.0)
    _assert_exactly_once(bootstrap, names, values)
    # the kills did leave aborted output behind: read_committed is what hides it
    assert len(_read(bootstrap, names["out"], "read_uncommitted")) > RECORDS


def test_consume_transform_produce_is_exactly_once_across_kill_9_of_the_broker(
    broker_process: Callable[..., Any], unique: Callable[[str], str], tmp_path: Path
) -> None:
    broker = broker_process(data_dir=tmp_path / "broker")
    bootstrap, port = broker.bootstrap, broker.port
    names = _names(unique)
    _create(bootstrap, names["in"], names["out"])
    values = _fill(bootstrap, names["in"])
    worker = _worker(bootstrap, names, 0.1)
    try:
        for kill in (1, 2):
            _wait_for_output(bootstrap, names["out"], kill * RECORDS // 4)
            broker.stop(signal.SIGKILL)
            broker = broker_process("--port", str(port), data_dir=tmp_path / "broker")
        _, err = worker.communicate(timeout=180)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate(timeout=30)
    if worker.returncode != 0:  # fenced or fatal: a restarted worker carries on
        LOG.warning("worker exited %s: %s", worker.returncode, err[-2000:])
        _finish(bootstrap, names, 0.0)
    _assert_exactly_once(bootstrap, names, values)


def _open_transaction(bootstrap: str, topic: str, txn_id: str) -> Producer:
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id, "logger": LOG})
    producer.init_transactions(30)
    producer.begin_transaction()
    for n in range(5):
        producer.produce(topic, b"in-doubt-%d" % n, partition=0)
    assert producer.flush(10) == 0
    return producer


def test_an_open_transaction_commits_after_a_broker_kill_9(
    broker_process: Callable[..., Any], unique: Callable[[str], str], tmp_path: Path
) -> None:
    broker = broker_process(data_dir=tmp_path / "broker")
    topic = unique("open")
    _create(broker.bootstrap, topic, partitions=1)
    producer = _open_transaction(broker.bootstrap, topic, unique("txn"))
    broker.stop(signal.SIGKILL)
    broker = broker_process("--port", str(broker.port), data_dir=tmp_path / "broker")
    # the restarted broker still holds read_committed readers before the open transaction
    assert _read(broker.bootstrap, topic, "read_committed", 1) == []
    producer.commit_transaction(60)
    assert _read(broker.bootstrap, topic, "read_committed", 1) == [
        b"in-doubt-%d" % n for n in range(5)
    ]


def test_a_new_producer_aborts_what_a_broker_kill_9_left_open(
    broker_process: Callable[..., Any], unique: Callable[[str], str], tmp_path: Path
) -> None:
    broker = broker_process(data_dir=tmp_path / "broker")
    topic, txn_id = unique("orphan"), unique("txn")
    _create(broker.bootstrap, topic, partitions=1)
    _open_transaction(broker.bootstrap, topic, txn_id)
    broker.stop(signal.SIGKILL)
    broker = broker_process("--port", str(broker.port), data_dir=tmp_path / "broker")
    successor = Producer(
        {"bootstrap.servers": broker.bootstrap, "transactional.id": txn_id, "logger": LOG}
    )
    successor.init_transactions(30)
    successor.begin_transaction()
    successor.produce(topic, b"after", partition=0)
    successor.commit_transaction(30)
    assert _read(broker.bootstrap, topic, "read_committed", 1) == [b"after"]
    assert len(_read(broker.bootstrap, topic, "read_uncommitted", 1)) == 6


def test_a_transaction_decided_before_a_crash_is_completed_on_restart(
    broker_process: Callable[..., Any], unique: Callable[[str], str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "broker"
    broker = broker_process(data_dir=data_dir)
    topic, txn_id = unique("decided"), unique("txn")
    _create(broker.bootstrap, topic, partitions=1)
    _open_transaction(broker.bootstrap, topic, txn_id)
    broker.stop(signal.SIGKILL)
    # The crash fell right after PrepareCommit was made durable, before any marker was written:
    # the journal's last line for the id says so.
    journal = data_dir / "transactions.log"
    last = [json.loads(line) for line in journal.read_text().splitlines()][-1]
    assert (last["id"], last["s"]) == (txn_id, "Ongoing")
    with journal.open("a") as file:
        file.write(json.dumps({**last, "s": "PrepareCommit"}) + "\n")
    broker = broker_process("--port", str(broker.port), data_dir=data_dir)
    assert _read(broker.bootstrap, topic, "read_committed", 1) == [
        b"in-doubt-%d" % n for n in range(5)
    ]
    states = [json.loads(line)["s"] for line in journal.read_text().splitlines()]
    assert states[-1] == "CompleteCommit"


def test_compaction_drops_aborted_records_and_keeps_the_committed(
    broker_process: Callable[..., Any], unique: Callable[[str], str], tmp_path: Path
) -> None:
    broker = broker_process("--cleaner-interval-ms", "200", data_dir=tmp_path / "broker")
    topic = unique("compacted")
    admin = AdminClient({"bootstrap.servers": broker.bootstrap, "logger": LOG})
    config = {"cleanup.policy": "compact", "segment.bytes": "600"}
    config["min.cleanable.dirty.ratio"] = "0.01"
    admin.create_topics([NewTopic(topic, 1, config=config)])[topic].result(15)
    producer = Producer(
        {"bootstrap.servers": broker.bootstrap, "transactional.id": unique("txn"), "logger": LOG}
    )
    producer.init_transactions(30)
    for round_ in range(20):  # committed, then aborted, value of each key: many segments
        for end in ("commit", "abort"):
            producer.begin_transaction()
            for key in range(3):
                producer.produce(topic, b"%s-%d" % (end.encode(), round_), b"k%d" % key)
            producer.flush(10)
            if end == "commit":
                producer.commit_transaction(10)
            else:
                producer.abort_transaction(10)
    before = _read(broker.bootstrap, topic, "read_uncommitted", 1)
    deadline = time.monotonic() + 30
    while len(after := _read(broker.bootstrap, topic, "read_uncommitted", 1, 0.5)) >= len(before):
        assert time.monotonic() < deadline, "the topic was never compacted"
    # what is left of the aborted transactions is at most in the segments not cleaned yet
    committed = _read(broker.bootstrap, topic, "read_committed", 1)
    assert committed[-3:] == [b"commit-19"] * 3
    assert set(committed) <= {b"commit-%d" % n for n in range(20)}
    assert sum(value.startswith(b"abort") for value in after) < 40
