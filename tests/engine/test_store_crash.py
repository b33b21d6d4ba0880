"""kill -9 in the middle of a table whose state lives mostly on disk, restart: still exact.

20,000 keys, each updated three times, with at most 300 entries of the store in memory: the
store spills at its first checkpoints, the engine is killed with a third of the input read, and
the restarted engine restores the store from its changelog straight to disk before going on.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.local import EmbeddedStack

StartEngine = Callable[..., Any]  # the engine_process fixture (tests/engine/conftest.py)

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.reliability]

RECORDS = 60_000
KEYS = 20_000
MEMORY_ENTRIES = 300


def _spilling(state: Path) -> tuple[str, str]:
    """The engine's properties: at most MEMORY_ENTRIES in memory, the rest under `state`."""
    bound = f"ksqlmv.state.store.memory.max.entries={MEMORY_ENTRIES}"
    return bound, f"ksql.streams.state.dir={state}"


def _committed(servers: str, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": group})
    try:
        (found,) = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        return int(found.offset)
    finally:
        consumer.close()


def _wait_for(servers: str, group: str, topic: str, offset: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (committed := _committed(servers, group, topic)) < offset:
        assert time.monotonic() < deadline, f"{group} committed {committed} of {offset}"
        time.sleep(0.2)
    return committed


def _table(servers: str, topic: str) -> dict[str, tuple[int, int]]:
    """The sink's last row per key."""
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"check-{uuid.uuid4()}"})
    high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
    consumer.assign([TopicPartition(topic, 0, 0)])
    table: dict[str, tuple[int, int]] = {}
    position, deadline = 0, time.monotonic() + 120
    try:
        while position < high and time.monotonic() < deadline:
            for message in consumer.consume(10_000, 0.5):
                if message.error() is None:
                    position = message.offset() + 1
                    row = json.loads(message.value())
                    table[message.key().decode()] = (row["N"], row["S"])
    finally:
        consumer.close()
    return table


def test_kill_9_with_state_on_disk_then_restart_gives_the_uninterrupted_table(
    embedded_broker: EmbeddedStack, tmp_path: Path, engine_process: StartEngine
) -> None:
    servers = embedded_broker.bootstrap_servers
    suffix = uuid.uuid4().hex[:8]
    source, sink, service = f"spill_in_{suffix}", f"spill_out_{suffix}", f"spill{suffix}_"
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(source, 1, 1)])[source].result(30)
    producer = Producer({"bootstrap.servers": servers, "linger.ms": 20})
    for i in range(RECORDS):
        producer.produce(source, b'{"V": %d}' % (i % 7), f"k{i % KEYS}".encode())
    assert producer.flush(60) == 0
    statements = tmp_path / "statements.sql"
    statements.write_text(
        f"CREATE STREAM INPUT (K STRING KEY, V INT) WITH (KAFKA_TOPIC='{source}', "
        "VALUE_FORMAT='JSON');\n"
        f"CREATE TABLE TOTALS WITH (KAFKA_TOPIC='{sink}') AS SELECT K, COUNT(*) AS N, "
        "SUM(V) AS S FROM INPUT GROUP BY K;\n"
    )
    group = f"_confluent-ksql-{service}query_CTAS_TOTALS_0"

    first = engine_process(statements, servers, service, *_spilling(tmp_path / "state"))
    try:
        killed_at = _wait_for(servers, group, source, RECORDS // 3, 300)
    finally:
        first.kill()
    assert killed_at < RECORDS, "the engine finished before it could be killed"
    assert list((tmp_path / "state").glob("*.sqlite")), "the store never spilled to disk"

    second = engine_process(statements, servers, service, *_spilling(tmp_path / "state"))
    try:
        _wait_for(servers, group, source, RECORDS, 600)
    finally:
        second.stop()

    expected: dict[str, list[int]] = {}
    for i in range(RECORDS):
        slot = expected.setdefault(f"k{i % KEYS}", [0, 0])
        slot[0] += 1
        slot[1] += i % 7
    assert _table(servers, sink) == {key: (n, s) for key, (n, s) in expected.items()}
