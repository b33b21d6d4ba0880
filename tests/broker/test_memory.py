"""The broker's memory does not grow with the amount of data it stores or serves."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
VALUE = b"m" * 10_000


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _produce_mb(bootstrap: str, topic: str, megabytes: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "logger": LOG})
    for _ in range(megabytes * 100):
        while True:
            try:
                producer.produce(topic, VALUE, partition=0)
                break
            except BufferError:
                producer.poll(0.01)
    assert producer.flush(60) == 0


def _read_everything(bootstrap: str, topic: str, count: int) -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "memory", "logger": LOG})
    consumer.assign([TopicPartition(topic, 0, 0)])
    read = 0
    while read < count:
        read += sum(1 for m in consumer.consume(1000, 1.0) if m.error() is None)
    consumer.close()


def test_memory_stays_flat_while_the_log_grows(broker_process: Any, unique: Any) -> None:
    broker = broker_process()
    assert broker.process is not None
    pid = broker.process.pid
    topic = unique("memory")
    _produce_mb(broker.bootstrap, topic, 20)  # warm up: code loaded, buffers sized
    _read_everything(broker.bootstrap, topic, 2_000)
    warm = _rss_mb(pid)
    _produce_mb(broker.bootstrap, topic, 120)
    _read_everything(broker.bootstrap, topic, 14_000)
    grown = _rss_mb(pid) - warm
    assert grown < 25, f"RSS grew {grown:.0f} MB while storing and serving 120 MB more"
