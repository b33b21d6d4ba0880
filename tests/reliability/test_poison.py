"""Poison records in a source topic: a value with a bad magic byte, one with a schema id the
registry never gave, truncated Avro, and JSON that does not parse. Each is skipped and reported
in the processing log (the KSQL_PROCESSING_LOG stream, as ksqlDB writes it), with its topic,
partition and offset; the persistent queries over those topics keep running and the good records
after the poison come through.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import fastavro
import httpx
import pytest
from confluent_kafka import Producer

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

SUFFIX = uuid.uuid4().hex[:8]
AVRO_TOPIC, JSON_TOPIC = f"poison_avro_{SUFFIX}", f"poison_json_{SUFFIX}"
SCHEMA = {
    "type": "record",
    "name": "Reading",
    "fields": [{"name": "ID", "type": "string"}, {"name": "V", "type": "int"}],
}


def _avro(schema_id: int, value: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(SCHEMA), value)
    return b"\0" + schema_id.to_bytes(4, "big") + buffer.getvalue()


def _wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def poisoned(fuzz_platform: Any) -> dict[str, Any]:
    """Both topics with good records, poison, and good records again; the positions of the
    poison, by topic."""
    platform = fuzz_platform
    registered = httpx.post(
        f"{platform.stack.schema_registry_url}/subjects/{AVRO_TOPIC}-value/versions",
        json={"schema": json.dumps(SCHEMA)},
        timeout=30,
    )
    assert registered.status_code == 200, registered.text
    schema_id = registered.json()["id"]
    upper = SUFFIX.upper()
    platform.ksql(
        f"CREATE STREAM PA_{upper} WITH (kafka_topic='{AVRO_TOPIC}', partitions=1, "
        f"value_format='AVRO'); "
        f"CREATE STREAM PJ_{upper} (ID STRING, V INT) WITH (kafka_topic='{JSON_TOPIC}', "
        f"partitions=1, value_format='JSON'); "
        f"CREATE STREAM PA_OUT_{upper} AS SELECT ID, V * 10 AS W FROM PA_{upper}; "
        f"CREATE STREAM PJ_OUT_{upper} AS SELECT ID, V * 10 AS W FROM PJ_{upper};",
        **{"auto.offset.reset": "earliest"},
    )
    good = _avro(schema_id, {"ID": "before", "V": 1})
    records = {
        AVRO_TOPIC: [
            good,
            b"\x01" + good[1:],  # bad magic byte
            _avro(999_999, {"ID": "unknown id", "V": 2}),  # a schema id the registry never gave
            good[:-2],  # truncated
            _avro(schema_id, {"ID": "after", "V": 3}),
        ],
        JSON_TOPIC: [
            b'{"ID": "before", "V": 1}',
            b'{"ID": "broken", "V": ',  # invalid JSON
            b"\xff\xfe not json at all",
            b'{"ID": "after", "V": 3}',
        ],
    }
    producer = Producer({"bootstrap.servers": platform.stack.bootstrap_servers})
    offsets: dict[str, list[int]] = {}

    def delivered(error: Any, message: Any) -> None:
        assert error is None, error
        offsets.setdefault(message.topic(), []).append(message.offset())

    for topic, values in records.items():
        for value in values:
            producer.produce(topic, value=value, on_delivery=delivered)
    assert producer.flush(30) == 0
    poison = {AVRO_TOPIC: offsets[AVRO_TOPIC][1:4], JSON_TOPIC: offsets[JSON_TOPIC][1:3]}
    return {"platform": platform, "poison": poison, "suffix": upper}


def test_queries_keep_running_past_poison(poisoned: dict[str, Any]) -> None:
    platform, upper = poisoned["platform"], poisoned["suffix"]
    for sink in (f"PA_OUT_{upper}", f"PJ_OUT_{upper}"):
        rows = _wait_for(
            lambda sink=sink: len(rows := platform.pull(f"SELECT * FROM {sink};")) >= 2 and rows,
            f"the good records in {sink}",
        )
        assert sorted(rows) == ['["after",30]', '["before",10]'], (sink, rows)
    (queries,) = platform.ksql("SHOW QUERIES;")
    states = {q["id"]: q.get("state") for q in queries["queries"] if upper in q["id"]}
    assert len(states) == 2 and set(states.values()) == {"RUNNING"}, states


def test_poison_goes_to_the_processing_log(poisoned: dict[str, Any]) -> None:
    platform, poison = poisoned["platform"], poisoned["poison"]
    (listing,) = platform.ksql("SHOW STREAMS;")
    assert "KSQL_PROCESSING_LOG" in {stream["name"] for stream in listing["streams"]}

    def logged() -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for line in platform.pull("SELECT MESSAGE FROM KSQL_PROCESSING_LOG;"):
            (message,) = json.loads(line)
            error = message.get("DESERIALIZATIONERROR") or {}
            if error.get("TOPIC") in poison:
                found.setdefault(error["TOPIC"], []).append(error["OFFSET"])
        return found if all(len(found.get(t, [])) >= len(o) for t, o in poison.items()) else {}

    found = _wait_for(logged, "the processing log's entries")
    for topic, offsets in poison.items():
        assert sorted(set(found[topic])) == offsets, (topic, found[topic])
