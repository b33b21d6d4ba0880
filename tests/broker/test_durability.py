"""Durability: what was acknowledged survives kill -9, a torn log tail is cut on restart, and
topics, configs and committed offsets come back."""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
PADDING = b"." * 92  # 8-byte sequence number + padding = 100-byte values


def _read_all(bootstrap: str, topic: str, expected: int, partition: int = 0) -> list[Any]:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "durability-reader", "logger": LOG}
    )
    consumer.assign([TopicPartition(topic, partition, 0)])
    messages: list[Any] = []
    deadline = time.monotonic() + 60
    idle_since = time.monotonic()
    while time.monotonic() < deadline:
        batch = consumer.consume(10_000, 0.5)
        messages += [m for m in batch if m.error() is None]
        if batch:
            idle_since = time.monotonic()
        elif len(messages) >= expected and time.monotonic() - idle_since > 1:
            break  # everything expected is here and nothing more arrives
    consumer.close()
    return messages


@pytest.mark.slow
def test_kill_9_during_a_million_record_produce(
    embedded_stack_factory: Any, tmp_path: Path, unique: Any
) -> None:
    """Every acknowledged record is present after restart, in order, exactly once.

    The producer is idempotent (which implies acks=all): retries of batches whose
    acknowledgement the crash swallowed are then recognised instead of written twice.
    """
    total = 1_000_000
    stack = embedded_stack_factory(("broker",), tmp_path / "stack")
    bootstrap = stack.bootstrap_servers
    topic = unique("crash")
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    admin.create_topics([NewTopic(topic, 1)])[topic].result(15)
    acked: list[int] = []
    failed: list[str] = []

    def delivered(error: Any, message: Any) -> None:
        if error is None:
            acked.append(struct.unpack_from(">q", message.value())[0])
        else:
            failed.append(str(error))

    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "logger": LOG})
    killed = False
    for sequence in range(total):
        while True:
            try:
                producer.produce(topic, struct.pack(">q", sequence) + PADDING, partition=0,
                                 on_delivery=delivered)  # fmt: skip
                break
            except BufferError:
                producer.poll(0.01)
        if not killed and len(acked) > total // 3:
            acked_before = len(acked)
            stack.kill("broker")
            stack.restart()
            killed = True
        if sequence % 5000 == 0:
            producer.poll(0)
    assert producer.flush(120) == 0
    assert killed and acked_before < total and not failed, failed[:3]

    values = [struct.unpack_from(">q", m.value())[0] for m in _read_all(bootstrap, topic, total)]
    assert len(values) == len(set(values)), "a record is stored twice"
    assert values == sorted(values), "records are out of order"
    assert set(acked) <= set(values), "an acknowledged record is missing"
    assert len(acked) == total


def _produce_acked(bootstrap: str, topic: str, count: int, start: int = 0) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "logger": LOG})
    for number in range(start, start + count):
        producer.produce(topic, b"value %d" % number, key=b"%d" % number, partition=0)
    assert producer.flush(30) == 0


def _active_log(data_dir: Path, topic: str) -> Path:
    return sorted((data_dir / "broker" / "topics" / f"{topic}-0").glob("*.log"))[-1]


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


def _valid_batch(path: Path) -> bytes:
    data = path.read_bytes()
    (length,) = struct.unpack_from(">i", data, 8)
    return data[: length + 12]


# name -> damage done to the partition directory while the broker is down
DAMAGE: dict[str, Callable[[Path], None]] = {
    "half a batch header": lambda log: _append(log, _valid_batch(log)[:30]),
    "a whole batch with a bad CRC": lambda log: _append(
        log, _valid_batch(log)[:-1] + bytes([_valid_batch(log)[-1] ^ 0xFF])
    ),
    "a header claiming a gigabyte": lambda log: _append(
        log, _valid_batch(log)[:8] + struct.pack(">i", 1 << 30) + b"\0" * 60
    ),
    "zeros": lambda log: _append(log, b"\0" * 4096),
    "the index deleted": lambda log: log.with_suffix(".index").unlink(),
    "the index filled with junk": lambda log: log.with_suffix(".index").write_bytes(b"\xff" * 50),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_torn_tail_is_cut_at_restart(
    damage: str, embedded_stack_factory: Any, tmp_path: Path, unique: Any
) -> None:
    data_dir = tmp_path / "stack"
    stack = embedded_stack_factory(("broker",), data_dir)
    topic = unique("torn")
    _produce_acked(stack.bootstrap_servers, topic, 500)
    stack.kill("broker")
    DAMAGE[damage](_active_log(data_dir, topic))
    stack.restart()
    bootstrap = stack.bootstrap_servers
    _produce_acked(bootstrap, topic, 10, start=500)
    messages = _read_all(bootstrap, topic, 510)
    assert [m.offset() for m in messages] == list(range(510))
    assert [m.value() for m in messages] == [b"value %d" % n for n in range(510)]


@pytest.mark.parametrize("how", ["clean stop", "kill -9"])
def test_topics_configs_and_offsets_survive_restart(
    how: str, embedded_stack_factory: Any, tmp_path: Path, unique: Any
) -> None:
    stack = embedded_stack_factory(("broker",), tmp_path / "stack")
    bootstrap = stack.bootstrap_servers
    topic, group = unique("survive"), unique("g")
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    configs = {"cleanup.policy": "compact", "segment.bytes": "100000"}
    admin.create_topics([NewTopic(topic, 3, config=configs)])[topic].result(15)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "logger": LOG})
    committed = [TopicPartition(topic, p, 10 + p) for p in range(3)]
    consumer.commit(offsets=committed, asynchronous=False)
    consumer.close()
    if how == "kill -9":
        stack.kill("broker")
    stack.restart()
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    assert len(admin.list_topics(topic, timeout=10).topics[topic].partitions) == 3
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    described = admin.describe_configs([resource])[resource].result(15)
    assert {name: described[name].value for name in configs} == configs
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "logger": LOG})
    offsets = consumer.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
    assert [tp.offset for tp in offsets] == [10, 11, 12]
    consumer.close()


def test_many_segments_read_across_and_recovered(
    embedded_stack_factory: Any, tmp_path: Path, unique: Any
) -> None:
    stack = embedded_stack_factory(("broker",), tmp_path / "stack")
    bootstrap = stack.bootstrap_servers
    topic = unique("segments")
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    config = {"segment.bytes": "5000", "index.interval.bytes": "512"}
    admin.create_topics([NewTopic(topic, 1, config=config)])[topic].result(15)
    for start in range(0, 3000, 100):  # many small produce calls: many batches and segments
        _produce_acked(bootstrap, topic, 100, start=start)
    segments = list((tmp_path / "stack" / "broker" / "topics" / f"{topic}-0").glob("*.log"))
    assert len(segments) > 5
    stack.kill("broker")
    stack.restart()
    messages = _read_all(bootstrap, topic, 3000)
    assert [m.value() for m in messages] == [b"value %d" % n for n in range(3000)]
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "seek", "logger": LOG})
    for offset in (0, 1, 777, 1500, 2999):  # random access goes through the sparse index
        consumer.assign([TopicPartition(topic, 0, offset)])
        message = None
        while message is None or message.error() is not None:
            message = consumer.poll(5)
        assert (message.offset(), message.value()) == (offset, b"value %d" % offset)
    consumer.close()
