"""kill -9 mid-way, restart: operators whose state is more than a table end as if never stopped.

A full outer stream-stream join with a GRACE PERIOD holds unmatched rows until their window
closes, and a session window with EMIT FINAL holds each session's result until it closes; both
drop records that arrive after stream time has passed their window. Each query runs twice on the
same input, in `python -m ksqlmv.engine`: once without interruption, once killed with SIGKILL
after about a third of its input and restarted. The uninterrupted run must give what the test
driver gives when fed in Kafka Streams' order, and the two sinks must hold the same records (as
sets: results written between the last checkpoint and the kill are written again, which
at-least-once delivery allows; a lost held row, a repeated final result or a late record let in
by a forgotten stream time would differ).
"""

from __future__ import annotations

import heapq
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.local import EmbeddedStack

StartEngine = Callable[..., Any]  # the engine_process fixture (tests/engine/conftest.py)

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.reliability]

RECORDS = 60_000
BASE_TS = 1_700_000_000_000
STEP_MS = 20


@dataclass(frozen=True, slots=True)
class Scenario:
    """Input topics (by role) and the statements, with `{role}` and `{sink}` placeholders."""

    name: str
    topics: tuple[str, ...]
    statements: str


JOIN = Scenario(
    "outer-join",
    ("left", "right"),
    "CREATE STREAM L (ID STRING KEY, A INT) WITH (KAFKA_TOPIC='{left}', VALUE_FORMAT='JSON');\n"
    "CREATE STREAM R (ID STRING KEY, B INT) WITH (KAFKA_TOPIC='{right}', VALUE_FORMAT='JSON');\n"
    "CREATE STREAM J WITH (KAFKA_TOPIC='{sink}') AS SELECT ROWKEY AS ID, A, B FROM L "
    "FULL OUTER JOIN R WITHIN 10 SECONDS GRACE PERIOD 5 SECONDS ON L.ID = R.ID;\n",
)
SESSION = Scenario(
    "session-final",
    ("left",),
    "CREATE STREAM S (ID STRING KEY, A INT) WITH (KAFKA_TOPIC='{left}', VALUE_FORMAT='JSON');\n"
    "CREATE TABLE T WITH (KAFKA_TOPIC='{sink}') AS SELECT ID, COUNT(*) AS N, SUM(A) AS TOTAL "
    "FROM S WINDOW SESSION (5 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY ID EMIT FINAL;\n",
)


def _records(seed: int, offset_ms: int, keys: int) -> list[tuple[bytes, bytes, int]]:
    """Keyed records in time order, every 97th one 30 s late (past any window and grace)."""
    rng = random.Random(seed)
    found = []
    for i in range(RECORDS):
        ts = BASE_TS + i * STEP_MS + offset_ms - (30_000 if i % 97 == 96 else 0)
        found.append((f"k{rng.randrange(keys)}".encode(), b'{"A": %d, "B": %d}' % (i, i), ts))
    return found


def _reference(
    statements: str, topics: dict[str, str], records: dict[str, list[tuple[bytes, bytes, int]]]
) -> set[tuple[bytes | None, bytes | None, int]]:
    """The output of the same statements on the test driver, fed each topic in offset order and
    the topics interleaved by the timestamps at their heads (Kafka Streams' order)."""
    engine = KsqlEngine(TestDriver(), properties={"auto.offset.reset": "earliest"})
    for topic in topics.values():
        engine.driver.create_topic(topic, 1)
    engine.execute(statements.format(**topics, sink="reference"))
    (query,) = engine.queries.values()
    feeds = [
        [(ts, offset, topics[role], key, value) for offset, (key, value, ts) in enumerate(found)]
        for role, found in records.items()
    ]
    for ts, offset, topic, key, value in heapq.merge(*feeds, key=lambda item: item[0]):
        query.process(topic, key, value, ts, (), 0, offset)
    assert isinstance(engine.driver, TestDriver)
    return {(r.key, r.value, r.timestamp) for r in engine.driver.records("reference")}


def _produce(servers: str, topic: str, records: list[tuple[bytes, bytes, int]]) -> None:
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    producer = Producer({"bootstrap.servers": servers, "linger.ms": 20})
    for key, value, ts in records:
        producer.produce(topic, value, key, timestamp=ts)
    assert producer.flush(60) == 0


def _committed(servers: str, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": group})
    try:
        (found,) = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        return int(found.offset)
    finally:
        consumer.close()


def _wait_for(servers: str, group: str, topic: str, offset: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    committed = -1
    while time.monotonic() < deadline:
        committed = _committed(servers, group, topic)
        if committed >= offset:
            return committed
        time.sleep(0.05)
    raise AssertionError(f"{group} committed {committed} of {offset} within {timeout}s")


def _sink(servers: str, topic: str) -> list[tuple[bytes | None, bytes | None, int]]:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"check-{uuid.uuid4()}"})
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.assign([TopicPartition(topic, 0, low)])
    found: list[tuple[bytes | None, bytes | None, int]] = []
    position = low
    deadline = time.monotonic() + 120
    try:
        while position < high and time.monotonic() < deadline:
            for message in consumer.consume(10_000, 0.5):
                if message.error() is None:
                    position = message.offset() + 1
                    found.append((message.key(), message.value(), message.timestamp()[1]))
    finally:
        consumer.close()
    assert position >= high, f"read {position} of {high} output records"
    return found


@pytest.mark.parametrize("scenario", [JOIN, SESSION], ids=lambda s: s.name)
def test_kill_9_then_restart_gives_the_uninterrupted_output(
    embedded_broker: EmbeddedStack, tmp_path: Path, scenario: Scenario, engine_process: StartEngine
) -> None:
    servers = embedded_broker.bootstrap_servers
    suffix = uuid.uuid4().hex[:8]
    topics = {name: f"{scenario.name}_{name}_{suffix}" for name in scenario.topics}
    records = {}
    for index, (role, topic) in enumerate(topics.items()):
        # The sides' times interleave without ties, so the order of processing is the same
        # in every run.
        records[role] = _records(index, 7 * index, 2_000 if len(topics) > 1 else 300)
        _produce(servers, topic, records[role])
    first_topic = next(iter(topics.values()))
    sinks = {}
    for run in ("steady", "crashed"):
        sinks[run] = f"{scenario.name}_{run}_{suffix}"
        text = scenario.statements.format(**topics, sink=sinks[run])
        (tmp_path / f"{run}.sql").write_text(text)
    query = "CSAS_J_0" if scenario is JOIN else "CTAS_T_0"
    total = RECORDS

    steady = engine_process(tmp_path / "steady.sql", servers, f"steady{suffix}_")
    try:
        crashed = engine_process(tmp_path / "crashed.sql", servers, f"crashed{suffix}_")
        group = f"_confluent-ksql-crashed{suffix}_query_{query}"
        try:
            killed_at = _wait_for(servers, group, first_topic, total // 3, 300)
            crashed.kill()
        finally:
            crashed.stop()
        assert killed_at < total, "the engine finished before it could be killed"
        restarted = engine_process(tmp_path / "crashed.sql", servers, f"crashed{suffix}_")
        try:
            for topic in topics.values():
                _wait_for(servers, group, topic, total, 600)
        finally:
            restarted.stop()
        for topic in topics.values():
            _wait_for(servers, f"_confluent-ksql-steady{suffix}_query_{query}", topic, total, 600)
    finally:
        steady.stop()

    expected = _sink(servers, sinks["steady"])
    got = _sink(servers, sinks["crashed"])
    assert len(set(expected)) == len(expected), "the uninterrupted run repeats records"
    assert len(expected) > RECORDS // 10
    assert set(expected) == _reference(scenario.statements, topics, records)
    assert set(got) == set(expected)
    print(f"{scenario.name}: killed after {killed_at} records, {len(got) - len(expected)} again")
