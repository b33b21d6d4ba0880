"""kill -9 while a query's results are not on the broker: the restart writes them.

A checkpoint's marker tells a restarted query where to resume; the results of the records before
it must be on the broker by then, or nothing ever writes them again. Here the results of a second
batch cannot be written while the query's changelog can: its sink topic is deleted (on a broker
that creates no topics on its own, so librdkafka holds the results back), or replaced by one that
refuses them (`max.message.bytes`: the delivery fails). The query processes the batch, its changes
reach the changelog, and it is killed. Restarted with its sink back, it must write those results.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.local.contract import LISTENING

StartEngine = Callable[..., Any]  # the engine_process fixture (tests/engine/conftest.py)

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

BATCH = 100


@pytest.fixture
def strict_broker(tmp_path: Path) -> Iterator[str]:
    """A broker of its own that creates no topic unless asked (`--no-auto-create-topics`), so
    that a deleted topic stays deleted while a producer still writes to it; its address."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "ksqlmv.broker", "--host", "127.0.0.1", "--port", "0"),
            *("--data-dir", str(tmp_path / "broker"), "--no-auto-create-topics"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        port = None
        for line in process.stdout:
            match = LISTENING.search(line)
            if match:
                port = int(match["port"])
                break
        assert port is not None, "the broker did not start"
        yield f"127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def _produce(servers: str, topic: str, keys: range) -> None:
    producer = Producer({"bootstrap.servers": servers, "linger.ms": 5})
    for i in keys:
        producer.produce(topic, b'{"V": %d}' % i, b"k%d" % i, timestamp=1_700_000_000_000 + i)
    assert producer.flush(30) == 0


def _end(servers: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"end-{uuid.uuid4()}"})
    try:
        return int(consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1])
    finally:
        consumer.close()


def _committed(servers: str, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": group})
    try:
        (found,) = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        return int(found.offset)
    finally:
        consumer.close()


def _wait(what: str, done: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} within {timeout:g} s"
        time.sleep(0.1)


def _keys(servers: str, topic: str) -> set[bytes]:
    """The keys of every record in partition 0 of `topic`."""
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"read-{uuid.uuid4()}"})
    found: set[bytes] = set()
    try:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        consumer.assign([TopicPartition(topic, 0, low)])
        position = low
        deadline = time.monotonic() + 60
        while position < high and time.monotonic() < deadline:
            for message in consumer.consume(1000, 0.5):
                if message.error() is None:
                    position = message.offset() + 1
                    found.add(message.key())
    finally:
        consumer.close()
    return found


def _recreate(admin: AdminClient, topic: str, config: dict[str, str] | None) -> None:
    admin.delete_topics([topic])[topic].result(30)
    _wait("the topic deleted", lambda: topic not in admin.list_topics(timeout=10).topics)
    if config is not None:
        admin.create_topics([NewTopic(topic, 1, 1, config=config)])[topic].result(30)


SINKS: dict[str, dict[str, str] | None] = {
    "deleted": None,  # results wait for their topic in librdkafka's queue
    "refusing": {"max.message.bytes": "32"},  # the broker refuses every batch of results
}


@pytest.mark.parametrize("sink_state", list(SINKS))
def test_results_not_written_at_a_kill_are_written_after_the_restart(
    strict_broker: str, tmp_path: Path, sink_state: str, engine_process: StartEngine
) -> None:
    servers = strict_broker
    suffix = uuid.uuid4().hex[:8]
    source, sink, service = f"in_{suffix}", f"out_{suffix}", f"held{suffix}_"
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(source, 1, 1)])[source].result(30)
    statements = tmp_path / "statements.sql"
    statements.write_text(
        f"CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='{source}', "
        "VALUE_FORMAT='JSON');\n"
        f"CREATE TABLE T WITH (KAFKA_TOPIC='{sink}', PARTITIONS=1) AS "
        "SELECT K, COUNT(*) AS N FROM S GROUP BY K;\n"
    )
    query = f"_confluent-ksql-{service}query_CTAS_T_0"
    changelog = f"{query}-Aggregate-Aggregate-Materialize-changelog"

    first = engine_process(statements, servers, service)
    try:
        _produce(servers, source, range(BATCH))
        _wait("the first batch committed", lambda: _committed(servers, query, source) == BATCH)
        _recreate(admin, sink, SINKS[sink_state])
        written = _end(servers, changelog)
        _produce(servers, source, range(BATCH, 2 * BATCH))
        # Its changes reach the changelog; its results cannot reach the broker.
        _wait("the second batch's changes", lambda: _end(servers, changelog) >= written + BATCH)
        time.sleep(1.0)  # time for a marker to follow them, if one were sent now
        first.kill()
    finally:
        first.stop()
    if SINKS[sink_state] is not None:
        _recreate(admin, sink, None)
    admin.create_topics([NewTopic(sink, 1, 1)])[sink].result(30)

    second = engine_process(statements, servers, service)
    try:
        # (a query that resumed after the second batch has nothing left to process or commit)
        deadline = time.monotonic() + 30
        while _committed(servers, query, source) < 2 * BATCH and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        second.stop()
    missing = {b"k%d" % i for i in range(BATCH, 2 * BATCH)} - _keys(servers, sink)
    assert not missing, f"{len(missing)} results of the second batch were never written"
    assert _committed(servers, query, source) == 2 * BATCH
