"""`processing.guarantee=exactly_once_v2` on the Kafka driver: results written exactly once.

A stream derived from the input and a table summing that derived stream (the shape of the demo's
ORDERS_ENRICHED and CUSTOMER_LIFETIME_VALUE) end exactly as without crashes however often the
engine process is killed with `kill -9`: each input record is in the derived stream once (to
read_committed readers) and each sum counts it once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.engine.drivers.eos import exactly_once
from ksqlmv.local import EmbeddedStack

StartEngine = Callable[..., Any]  # the engine_process fixture (tests/engine/conftest.py)

pytestmark = pytest.mark.integration

RECORDS = 6000
KEYS = 13
EXACTLY_ONCE = ("auto.offset.reset=earliest", "processing.guarantee=exactly_once_v2")


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({}, False),
        ({"processing.guarantee": "at_least_once"}, False),
        ({"processing.guarantee": "exactly_once_v2"}, True),
        ({"ksql.streams.processing.guarantee": "exactly_once"}, True),
        ({"processing.guarantee": "EXACTLY_ONCE_V2"}, True),
        ({"ksql.streams.processing.guarantee": "exactly_once_beta"}, True),
    ],
)
def test_which_properties_ask_for_exactly_once(properties: dict[str, str], expected: bool) -> None:
    assert exactly_once(properties) is expected


def _statements(tmp_path: Path, suffix: str) -> tuple[Path, dict[str, str]]:
    names = {
        "input": f"eos_in_{suffix}",
        "derived": f"EOS_DERIVED_{suffix}",
        "totals": f"EOS_TOTALS_{suffix}",
    }
    path = tmp_path / "statements.sql"
    path.write_text(
        f"CREATE STREAM src_{suffix} (k STRING KEY, v INT) "
        f"WITH (kafka_topic='{names['input']}', value_format='JSON', partitions=2);\n"
        f"CREATE STREAM {names['derived']} AS SELECT k, v * 10 AS w FROM src_{suffix};\n"
        f"CREATE TABLE {names['totals']} AS SELECT k, SUM(w) AS total, COUNT(*) AS n "
        f"FROM {names['derived']} GROUP BY k;\n"
    )
    return path, names


def _read(servers: str, topic: str, isolation: str = "read_committed") -> list[Any]:
    consumer = Consumer(
        {
            "bootstrap.servers": servers,
            "group.id": f"reader-{uuid.uuid4()}",
            "isolation.level": isolation,
        }
    )
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    found: list[Any] = []
    idle = time.monotonic()
    while time.monotonic() - idle < 2.0:
        batch = [m for m in consumer.consume(5000, 0.2) if m.error() is None]
        if batch:
            idle = time.monotonic()
        found += [(m.key(), m.value()) for m in batch]
    consumer.close()
    return found


def _produce(producer: Producer, topic: str, start: int, stop: int) -> None:
    for n in range(start, stop):
        producer.produce(topic, json.dumps({"V": n % 7}).encode(), b"k%d" % (n % KEYS))
    assert producer.flush(30) == 0


def test_derived_stream_and_its_sums_are_exact_across_kill_9_of_the_engine(
    embedded_broker: EmbeddedStack, tmp_path: Path, engine_process: StartEngine
) -> None:
    servers = embedded_broker.bootstrap_servers
    suffix = uuid.uuid4().hex[:8].upper()  # KSQL names are upper case, and so their topics
    statements, names = _statements(tmp_path, suffix)
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(names["input"], 2)])[names["input"]].result(15)
    producer = Producer({"bootstrap.servers": servers, "enable.idempotence": True})
    service_id = f"eos_{suffix}_"
    chunk = RECORDS // 3
    for step in range(3):
        engine = engine_process(statements, servers, service_id, *EXACTLY_ONCE)
        _produce(producer, names["input"], step * chunk, (step + 1) * chunk)
        time.sleep(0.7)  # mid-way through the chunk: transactions open, others committed
        engine.kill()
    engine = engine_process(statements, servers, service_id, *EXACTLY_ONCE)
    try:
        deadline = time.monotonic() + 60
        while (found := len(_read(servers, names["derived"]))) < RECORDS:
            assert time.monotonic() < deadline, (
                f"the derived stream never caught up: {found} of {RECORDS}, "
                f"{len(_read(servers, names['derived'], 'read_uncommitted'))} uncommitted"
            )
    finally:
        engine.stop()
    derived = _read(servers, names["derived"])
    assert len(derived) == RECORDS, f"{len(derived) - RECORDS} derived records written twice"
    expected_w = Counter((b"k%d" % (n % KEYS), (n % 7) * 10) for n in range(RECORDS))
    got_w = Counter((key, json.loads(value)["W"]) for key, value in derived)
    assert got_w == expected_w
    totals: dict[bytes, Any] = {}
    for key, value in _read(servers, names["totals"]):
        totals[key] = json.loads(value)
    for key_number in range(KEYS):
        numbers = [n for n in range(RECORDS) if n % KEYS == key_number]
        row = totals[b"k%d" % key_number]
        assert (row["TOTAL"], row["N"]) == (sum((n % 7) * 10 for n in numbers), len(numbers))
    # the kills did abort open transactions: read_uncommitted sees their records too
    assert len(_read(servers, names["derived"], "read_uncommitted")) >= RECORDS
