"""kill -9 in the middle of a windowed aggregation, restart: the final table is still exact."""

from __future__ import annotations

import json
import struct
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.local import EmbeddedStack

StartEngine = Callable[..., Any]  # the engine_process fixture (tests/engine/conftest.py)

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.reliability]

RECORDS = 500_000
KEYS = 1_000
BASE_TS = 1_700_000_000_000
STEP_MS = 10
WINDOW_MS = 60_000


def _value(i: int) -> int:
    return i % 7


def _expected() -> dict[tuple[str, int], tuple[int, int]]:
    """COUNT and SUM per key and one-minute window, computed directly from the input."""
    table: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for i in range(RECORDS):
        ts = BASE_TS + i * STEP_MS
        slot = table[(f"k{i % KEYS}", ts - ts % WINDOW_MS)]
        slot[0] += 1
        slot[1] += _value(i)
    return {key: (n, s) for key, (n, s) in table.items()}


def _produce_input(servers: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    producer = Producer(
        {"bootstrap.servers": servers, "linger.ms": 20, "queue.buffering.max.messages": 600_000}
    )
    for i in range(RECORDS):
        key = f"k{i % KEYS}".encode()
        value = b'{"V": %d}' % _value(i)
        producer.produce(topic, value, key, timestamp=BASE_TS + i * STEP_MS)
        if i % 20_000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def _committed(servers: str, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": group})
    try:
        (found,) = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        return int(found.offset)
    finally:
        consumer.close()


def _final_table(servers: str, topic: str) -> dict[tuple[str, int], tuple[int, int]]:
    consumer = Consumer(
        {"bootstrap.servers": servers, "group.id": f"check-{uuid.uuid4()}", "fetch.wait.max.ms": 50}
    )
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.assign([TopicPartition(topic, 0, low)])
    table: dict[tuple[str, int], tuple[int, int]] = {}
    position = low
    deadline = time.monotonic() + 120
    try:
        while position < high and time.monotonic() < deadline:
            for message in consumer.consume(10_000, 0.5):
                if message.error() is not None:
                    continue
                position = message.offset() + 1
                raw_key = message.key()
                assert raw_key is not None
                start = struct.unpack(">q", raw_key[-8:])[0]
                value = json.loads(message.value())
                table[(raw_key[:-8].decode(), start)] = (value["N"], value["S"])
    finally:
        consumer.close()
    assert position >= high, f"read {position} of {high} output records"
    return table


def _wait_for(servers: str, group: str, topic: str, offset: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    committed = -1
    while time.monotonic() < deadline:
        committed = _committed(servers, group, topic)
        if committed >= offset:
            return committed
        time.sleep(0.5)
    raise AssertionError(f"{group} committed {committed} of {offset} within {timeout}s")


def test_kill_9_mid_way_then_restart_gives_the_uninterrupted_table(
    embedded_broker: EmbeddedStack, tmp_path: Path, engine_process: StartEngine
) -> None:
    servers = embedded_broker.bootstrap_servers
    suffix = uuid.uuid4().hex[:8]
    source, sink, service = f"crash_in_{suffix}", f"crash_out_{suffix}", f"crash{suffix}_"
    _produce_input(servers, source)
    statements = tmp_path / "statements.sql"
    statements.write_text(
        f"CREATE STREAM INPUT (K STRING KEY, V INT) WITH (KAFKA_TOPIC='{source}', "
        "VALUE_FORMAT='JSON');\n"
        f"CREATE TABLE COUNTS WITH (KAFKA_TOPIC='{sink}') AS SELECT K, COUNT(*) AS N, "
        "SUM(V) AS S FROM INPUT WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;\n"
    )
    group = f"_confluent-ksql-{service}query_CTAS_COUNTS_0"

    first = engine_process(statements, servers, service, ready=False)
    try:
        first.wait_ready()
        killed_at = _wait_for(servers, group, source, RECORDS // 3, 300)
        first.kill()
    finally:
        first.stop()
    assert killed_at < RECORDS, "the engine finished before it could be killed"

    second = engine_process(statements, servers, service, ready=False)
    try:
        restore_seconds = second.wait_ready()
        _wait_for(servers, group, source, RECORDS, 600)
    finally:
        second.stop()

    assert _final_table(servers, sink) == _expected()
    print(f"killed after {killed_at} records; restored in {restore_seconds:.1f} s")
