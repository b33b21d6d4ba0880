"""Retention and compaction in the background, on a broker that looks for work every 200 ms."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
CLEANER = ("--cleaner-interval-ms", "200")


def _create(bootstrap: str, topic: str, config: dict[str, str]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    admin.create_topics([NewTopic(topic, 1, config=config)])[topic].result(15)


def _produce(
    bootstrap: str,
    topic: str,
    records: list[tuple[bytes | None, bytes | None]],
    *,
    codec: str = "none",
    timestamp: int | None = None,
) -> list[int]:
    """Produce in order; returns each record's offset."""
    producer = Producer({"bootstrap.servers": bootstrap, "compression.codec": codec, "logger": LOG})
    offsets: dict[int, int] = {}
    for number, (key, value) in enumerate(records):
        extra = {} if timestamp is None else {"timestamp": timestamp}
        producer.produce(
            topic,
            value,
            key,
            partition=0,
            on_delivery=lambda error, message, n=number: offsets.__setitem__(n, message.offset()),
            **extra,
        )
        if number % 50 == 49:
            producer.flush(10)  # many small batches, so segments roll
    assert producer.flush(30) == 0
    return [offsets[n] for n in range(len(records))]


def _read(bootstrap: str, topic: str) -> list[tuple[int, bytes | None, bytes | None]]:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "cleaner-reader",
            "auto.offset.reset": "earliest",
            "logger": LOG,
        }
    )
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.assign([TopicPartition(topic, 0, low)])
    records: list[tuple[int, bytes | None, bytes | None]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not records or records[-1][0] < high - 1):
        for message in consumer.consume(1000, 0.2):
            if message.error() is None:
                records.append((message.offset(), message.key(), message.value()))
    consumer.close()
    return records


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_compaction_keeps_the_latest_value_of_each_key(
    codec: str, broker_process: Any, tmp_path: Path, unique: Any, wait_until: Any
) -> None:
    broker = broker_process(*CLEANER, data_dir=tmp_path / "broker")
    topic = unique("compact")
    _create(
        broker.bootstrap,
        topic,
        {
            "cleanup.policy": "compact",
            "segment.bytes": "600",  # small even for compressed batches: many segments
            "min.cleanable.dirty.ratio": "0.01",
            "delete.retention.ms": "0",
        },
    )
    updates = [(b"k%d" % key, b"k%d round %d" % (key, round_)) for round_ in range(20)
               for key in range(10)]  # fmt: skip
    updates.append((b"k9", None))  # a tombstone: k9 goes entirely
    offsets = _produce(broker.bootstrap, topic, updates, codec=codec)
    fillers = [(b"filler-%d" % n, b"x" * 40) for n in range(200)]  # roll the others out
    filler_offsets = _produce(broker.bootstrap, topic, fillers, codec=codec)

    def compacted() -> bool:
        keys = [key for _, key, _ in _read(broker.bootstrap, topic)]
        return keys.count(b"k0") == 1 and b"k9" not in keys

    wait_until(compacted, 30, "the cleaner to compact the sealed segments")
    latest = {key: (offset, value) for (key, value), offset in zip(updates, offsets, strict=True)}
    expected = [
        (offset, key, value) for key, (offset, value) in latest.items() if value is not None
    ]
    expected += [(o, k, v) for (k, v), o in zip(fillers, filler_offsets, strict=True)]
    assert _read(broker.bootstrap, topic) == sorted(expected)
    broker.stop()
    broker = broker_process(*CLEANER, data_dir=tmp_path / "broker")  # compacted files reload
    assert _read(broker.bootstrap, topic) == sorted(expected)


def test_retention_ms_drops_old_segments(broker_process: Any, unique: Any, wait_until: Any) -> None:
    broker = broker_process(*CLEANER)
    topic = unique("retention-ms")
    _create(broker.bootstrap, topic, {"retention.ms": "60000", "segment.bytes": "2048"})
    hour_ago = int(time.time() * 1000) - 3_600_000
    old = [(b"old-%d" % n, b"y" * 50) for n in range(300)]
    _produce(broker.bootstrap, topic, old, timestamp=hour_ago)
    fresh = [(b"new-%d" % n, b"z" * 50) for n in range(100)]
    _produce(broker.bootstrap, topic, fresh)

    def low_watermark() -> int:
        consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "w", "logger": LOG})
        low, _ = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        consumer.close()
        return int(low)

    wait_until(lambda: low_watermark() > 0, 30, "old segments to be deleted")
    kept = _read(broker.bootstrap, topic)
    assert [key for _, key, _ in kept][-100:] == [key for key, _ in fresh]  # fresh: all kept
    assert len(kept) < 400  # the hour-old records went, whole segments at a time


def test_retention_bytes_bounds_the_log(
    broker_process: Any, tmp_path: Path, unique: Any, wait_until: Any
) -> None:
    broker = broker_process(*CLEANER, data_dir=tmp_path / "broker")
    topic = unique("retention-bytes")
    _create(broker.bootstrap, topic, {"retention.bytes": "10000", "segment.bytes": "2048"})
    _produce(broker.bootstrap, topic, [(b"%d" % n, b"w" * 100) for n in range(1000)])
    directory = tmp_path / "broker" / "topics" / f"{topic}-0"

    def on_disk() -> int:
        total = 0
        for path in directory.glob("*.log"):
            with contextlib.suppress(FileNotFoundError):  # the cleaner may delete it meanwhile
                total += path.stat().st_size
        return total

    wait_until(lambda: on_disk() <= 10000 + 2048, 30, "the log to shrink to retention.bytes")
    kept = _read(broker.bootstrap, topic)
    assert kept[-1][0] == 999
    assert [offset for offset, _, _ in kept] == list(range(kept[0][0], 1000))
