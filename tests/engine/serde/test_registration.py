"""Registering schemas at statement time, as ksqlDB's CREATE statements do."""

from __future__ import annotations

import json
import uuid

import pytest

from ksqlmv.engine.serde import (
    ConfluentSchemaRegistry,
    InMemorySchemaRegistry,
    SerdeColumn,
    register_schema,
    sink_schema,
)
from ksqlmv.errors import FormatError
from ksqlmv.sql.types import INTEGER, STRING

C = SerdeColumn
COLUMNS = [C("ID", INTEGER), C("NAME", STRING)]


def test_a_sink_registers_its_generated_schema() -> None:
    registry = InMemorySchemaRegistry()
    schema_id = register_schema(registry, "out", "AVRO", COLUMNS)
    latest = registry.get_latest("out-value")
    assert latest.schema_id == schema_id
    assert json.loads(latest.schema) == sink_schema(COLUMNS)
    key_id = register_schema(
        registry, "out", "AVRO", [C("K", STRING)], {"fullSchemaName": "a.OutKey"}, is_key=True
    )
    assert json.loads(registry.get_by_id(key_id).schema) == "string"  # type: ignore[arg-type]


def test_a_source_does_not_replace_its_producers_schema() -> None:
    registry = InMemorySchemaRegistry()
    producer = registry.register("in-value", '{"type":"record","name":"P","fields":[]}')
    assert register_schema(registry, "in", "AVRO", COLUMNS, if_absent=True) == producer
    assert registry.get_latest("in-value").version == 1
    assert register_schema(registry, "new", "AVRO", COLUMNS, if_absent=True) is not None


def test_other_formats_register_nothing() -> None:
    registry = InMemorySchemaRegistry()
    for name in ("JSON", "KAFKA", "DELIMITED", "NONE"):
        assert register_schema(registry, "t", name, COLUMNS[:1]) is None
    assert registry.subjects() == []


def test_a_schema_id_is_registered_under_the_topic_and_must_keep_its_id() -> None:
    registry = InMemorySchemaRegistry()
    registry.register_with_id("elsewhere-value", '"int"', 7)
    assert register_schema(registry, "t", "AVRO", [], {"schemaId": "7"}) == 7
    assert registry.get_latest("t-value").schema_id == 7


def test_without_a_registry_avro_cannot_be_declared() -> None:
    with pytest.raises(FormatError) as caught:
        register_schema(None, "t", "AVRO", COLUMNS)
    assert str(caught.value) == (
        "Cannot create topic 't' with format AVRO without configuring 'ksql.schema.registry.url'"
    )


@pytest.mark.integration
def test_the_real_registry_refuses_an_incompatible_sink_schema(real_registry: str) -> None:
    topic = f"t_{uuid.uuid4().hex[:8]}"
    producer = {"type": "record", "name": "P", "fields": [{"name": "a", "type": "int"}]}
    with ConfluentSchemaRegistry(real_registry) as registry:
        registry.register(f"{topic}-value", json.dumps(producer))
        with pytest.raises(FormatError) as caught:
            register_schema(registry, topic, "AVRO", COLUMNS)
        message = str(caught.value)
        assert message.startswith("Could not register schema for topic: Could not register")
        assert "incompatible" in message
        assert register_schema(registry, topic, "AVRO", COLUMNS, if_absent=True) is not None
