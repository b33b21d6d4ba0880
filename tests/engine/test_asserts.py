"""ASSERT TOPIC / SCHEMA wait for their TIMEOUT, check what ksqlDB checks and fail with 41700."""

from __future__ import annotations

import threading
import time

import pytest

from ksqlmv.engine.api import KsqlEngine, TestDriver
from ksqlmv.errors import StatementError

SCHEMA = '{"type": "record", "name": "R", "fields": [{"name": "A", "type": "int"}]}'


@pytest.fixture
def engine() -> KsqlEngine:
    return KsqlEngine(TestDriver())


def failure(engine: KsqlEngine, statement: str) -> StatementError:
    with pytest.raises(StatementError) as raised:
        engine.execute(statement)
    assert raised.value.error_code == 41700
    return raised.value


def test_existing_topic_passes_with_its_entity(engine: KsqlEngine) -> None:
    engine.driver.create_topic("orders", 3, 1, {})
    (result,) = engine.execute("ASSERT TOPIC 'orders' WITH (PARTITIONS=3, REPLICAS=1);")
    assert result.entity["@type"] == "assert_topic"
    assert (result.entity["topicName"], result.entity["exists"]) == ("orders", True)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("ASSERT TOPIC 'nope' TIMEOUT 200 MILLISECONDS;", "Topic nope does not exist"),
        ("ASSERT NOT EXISTS TOPIC 'orders';", "Topic orders exists"),
        (
            "ASSERT TOPIC 'orders' WITH (PARTITIONS=2) TIMEOUT 200 MILLISECONDS;",
            "Mismatched configuration for topic orders: For config partitions, expected 2 got 3",
        ),
        (
            "ASSERT TOPIC 'orders' WITH (CLEANUP_POLICY='compact') TIMEOUT 100 MILLISECONDS;",
            "Cannot assert unknown topic property: CLEANUP_POLICY",
        ),
        (
            "ASSERT SCHEMA SUBJECT 'nope-value' TIMEOUT 100 MILLISECONDS;",
            "Schema with subject name nope-value does not exist",
        ),
        ("ASSERT SCHEMA ID 42 TIMEOUT 100 MILLISECONDS;", "Schema with id 42 does not exist"),
    ],
)
def test_failures_carry_ksqldb_messages(engine: KsqlEngine, statement: str, message: str) -> None:
    engine.driver.create_topic("orders", 3, 1, {})
    assert str(failure(engine, statement)) == message


def test_waits_for_its_timeout_before_failing(engine: KsqlEngine) -> None:
    started = time.monotonic()
    failure(engine, "ASSERT TOPIC 'late' TIMEOUT 500 MILLISECONDS;")
    assert 0.4 <= time.monotonic() - started < 2.0


def test_default_timeout_is_the_servers_setting(engine: KsqlEngine) -> None:
    started = time.monotonic()
    with pytest.raises(StatementError):
        engine.execute(
            "ASSERT TOPIC 'late';",
            properties={"ksql.assert.topic.default.timeout.ms": 300},
        )
    assert 0.2 <= time.monotonic() - started < 1.5


def test_passes_as_soon_as_the_topic_appears(engine: KsqlEngine) -> None:
    creator = threading.Timer(0.3, engine.driver.create_topic, ("late", 1, 1, {}))
    creator.start()
    started = time.monotonic()
    (result,) = engine.execute("ASSERT TOPIC 'late' TIMEOUT 10 SECONDS;")
    assert result.entity["exists"] is True
    assert time.monotonic() - started < 5.0
    creator.join()


def test_schema_by_subject_and_id(engine: KsqlEngine) -> None:
    schema_id = engine.driver.registry.register("orders-value", SCHEMA)
    (result,) = engine.execute(f"ASSERT SCHEMA SUBJECT 'orders-value' ID {schema_id};")
    assert result.entity["@type"] == "assert_schema"
    assert (result.entity["subject"], result.entity["id"]) == ("orders-value", schema_id)
    message = str(failure(engine, "ASSERT NOT EXISTS SCHEMA SUBJECT 'orders-value';"))
    assert message == "Schema with subject name orders-value exists"
