"""Both Schema Registry implementations, and AVRO against ksqlmv's real registry over HTTP.

The real-registry tests start ksqlmv's broker and registry as processes and talk to them with
confluent-kafka's client; they also check that Confluent's own Avro serdes read what ours write
and the other way round.
"""

from __future__ import annotations

import json
import socket
import uuid
from decimal import Decimal

import pytest

from ksqlmv.engine.serde import (
    ConfluentSchemaRegistry,
    InMemorySchemaRegistry,
    SerdeColumn,
    infer_columns,
    make_serde,
)
from ksqlmv.errors import RegistryError, ServiceUnavailableError
from ksqlmv.sql.types import BIGINT, STRING, TIMESTAMP, DecimalType, MapType

C = SerdeColumn
PERSON = {"type": "record", "name": "P", "fields": [{"name": "name", "type": "string"}]}


def test_in_memory_ids_are_global_and_identity_is_by_parsed_schema() -> None:
    registry = InMemorySchemaRegistry()
    first = registry.register("a-value", json.dumps(PERSON))
    spaced = json.dumps(PERSON, indent=2)
    assert registry.register("a-value", spaced) == first  # same schema, other text
    assert registry.register("b-value", json.dumps(PERSON)) == first  # same id in any subject
    other = registry.register("a-value", '"string"')
    assert other == first + 1
    latest = registry.get_latest("a-value")
    assert (latest.schema_id, latest.version, latest.subject) == (other, 2, "a-value")
    assert json.loads(registry.get_by_id(first).schema) == PERSON
    assert registry.subjects() == ["a-value", "b-value"]


def test_in_memory_errors_carry_schema_registrys_codes() -> None:
    registry = InMemorySchemaRegistry()
    with pytest.raises(RegistryError) as caught:
        registry.get_latest("nope-value")
    assert caught.value.error_code == 40401
    with pytest.raises(RegistryError) as caught:
        registry.get_by_id(3)
    assert caught.value.error_code == 40403
    with pytest.raises(RegistryError) as caught:
        registry.register("x-value", '{"type": "nope"}')
    assert caught.value.error_code == 42201
    assert registry.register_with_id("y-value", json.dumps(PERSON), 102) == 102
    assert registry.register("z-value", '"int"') == 1


def test_a_registry_nobody_listens_on_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        conf = {"url": f"http://127.0.0.1:{port}", "max.retries": 0}
        with (
            ConfluentSchemaRegistry(conf) as registry,
            pytest.raises(ServiceUnavailableError, match="Schema Registry cannot be reached"),
        ):
            registry.get_by_id(1)


@pytest.mark.integration
def test_avro_through_the_real_registry(real_registry: str) -> None:
    topic = f"orders_{uuid.uuid4().hex[:8]}"
    columns = [C("ID", STRING), C("AMOUNT", DecimalType(10, 2)), C("AT", TIMESTAMP)]
    row = ("o1", Decimal("12.50"), 1_700_000_000_000)
    with ConfluentSchemaRegistry(real_registry) as registry:
        sink = make_serde("AVRO", columns, topic=topic, registry=registry)
        data = sink.serialize(row)
        assert data is not None
        assert registry.get_latest(f"{topic}-value").schema_id == int.from_bytes(data[1:5], "big")
        inferred = infer_columns(registry, topic)
        assert [(c.name, c.type) for c in inferred.columns] == [(c.name, c.type) for c in columns]
        with pytest.raises(RegistryError) as caught:
            registry.get_latest(f"{topic}-missing")
        assert caught.value.error_code == 40401
    # another query reads it, fetching the writer's schema by id
    with ConfluentSchemaRegistry(real_registry) as other:
        source = make_serde("AVRO", columns, topic=topic, registry=other)
        assert source.deserialize(data) == row


@pytest.mark.integration
def test_confluents_serdes_and_ours_read_each_other(real_registry: str) -> None:
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    topic = f"people_{uuid.uuid4().hex[:8]}"
    writer = {
        "type": "record",
        "name": "Person",
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "visits", "type": "long"},
            {"name": "tags", "type": {"type": "map", "values": "long"}},
        ],
    }
    columns = [C("NAME", STRING), C("VISITS", BIGINT), C("TAGS", MapType(STRING, BIGINT))]
    client = SchemaRegistryClient({"url": real_registry})
    try:
        with ConfluentSchemaRegistry(real_registry) as registry:
            serializer = AvroSerializer(
                client, json.dumps(writer), conf={"subject.name.strategy.type": "TOPIC"}
            )
            context = SerializationContext(topic, MessageField.VALUE)
            produced = serializer({"name": "Ann", "visits": 3, "tags": {"a": 1}}, context)
            ours = make_serde("AVRO", columns, topic=topic, registry=registry)
            assert ours.deserialize(produced) == ("Ann", 3, {"a": 1})

            sink = make_serde("AVRO", columns, topic=f"{topic}_sink", registry=registry)
            written = sink.serialize(("Bo", 4, {"b": 2}))
        deserializer = AvroDeserializer(client)
        read = deserializer(written, SerializationContext(f"{topic}_sink", MessageField.VALUE))
        # ksqlDB writes maps as Connect's arrays of key/value records
        assert read == {"NAME": "Bo", "VISITS": 4, "TAGS": [{"key": "b", "value": 2}]}
    finally:
        client.close()
