"""Confluent's own Python serdes against the registry, through a real broker, end to end."""

from __future__ import annotations

import json
import struct
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ORDERS_V1 = (SCHEMAS / "orders-value.avsc").read_text()
ORDERS_V2 = (SCHEMAS / "v2/orders-value.avsc").read_text()


def order(**changes: Any) -> dict[str, Any]:
    value = {
        "customer_id": "C00000001",
        "product_id": "P00000042",
        "quantity": 2,
        "unit_price": Decimal("12.50"),
        "amount": Decimal("25.00"),
        "currency": "EUR",
        "status": "PLACED",
        "channel": "APP",
        "ordered_at": datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
    }
    return value | changes


def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for value in values:
        producer.produce(topic, key=b"O1", value=value, partition=0)
    assert producer.flush(30) == 0


def consume(bootstrap: str, topic: str, count: int) -> list[bytes]:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"t-{uuid.uuid4()}",
            "enable.auto.commit": False,
        }
    )
    consumer.assign([TopicPartition(topic, 0, 0)])
    found: list[bytes] = []
    try:
        for _ in range(200):
            message = consumer.poll(0.2)
            if message is None or message.error() is not None:
                continue
            value = message.value()
            assert isinstance(value, bytes)
            found.append(value)
            if len(found) == count:
                break
    finally:
        consumer.close()
    return found


def test_avro_round_trip_through_the_broker_with_wire_format(
    any_broker: Any, start_registry: Any, sr_client: Any
) -> None:
    registry = start_registry(bootstrap_servers=any_broker.bootstrap_servers)
    client = sr_client(registry.url)
    topic = f"orders-{uuid.uuid4().hex[:8]}"
    serializer = AvroSerializer(client, ORDERS_V1)
    deserializer = AvroDeserializer(client)
    context = SerializationContext(topic, MessageField.VALUE)

    values = [order(quantity=n) for n in range(1, 4)]
    payloads = [serializer(value, context) for value in values]
    produce(any_broker.bootstrap_servers, topic, payloads)
    received = consume(any_broker.bootstrap_servers, topic, 3)

    assert received == payloads
    schema_id = client.get_latest_version(f"{topic}-value").schema_id
    assert schema_id == 1  # ids count up from 1 on a fresh registry
    for payload in received:
        magic, embedded_id = struct.unpack(">bI", payload[:5])
        assert (magic, embedded_id) == (0, schema_id)
    decoded = [deserializer(payload, context) for payload in received]
    assert decoded == values


def test_backward_compatible_v2_then_incompatible_change_is_409(
    registry: Any, subject: str, sr_client: Any
) -> None:
    client = sr_client(registry.url)
    v1 = client.register_schema(subject, Schema(ORDERS_V1, "AVRO"))
    v2 = client.register_schema(subject, Schema(ORDERS_V2, "AVRO"))
    assert v2 != v1
    assert client.get_versions(subject) == [1, 2]
    assert client.test_compatibility(subject, Schema(ORDERS_V2, "AVRO"), version=1)

    # Dropping the default from `currency` while adding a required field: v2 readers break.
    broken = json.loads(ORDERS_V2)
    broken["fields"].append({"name": "warehouse", "type": "string"})
    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema(subject, Schema(json.dumps(broken), "AVRO"))
    assert caught.value.http_status_code == 409
    assert caught.value.error_code == 40901
    assert "'warehouse'" in caught.value.error_message
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in caught.value.error_message
    assert client.get_versions(subject) == [1, 2]


def test_v1_data_reads_with_the_v2_reader(registry: Any, sr_client: Any) -> None:
    client = sr_client(registry.url)
    topic = f"orders-{uuid.uuid4().hex[:8]}"
    context = SerializationContext(topic, MessageField.VALUE)
    old_bytes = AvroSerializer(client, ORDERS_V1)(order(), context)
    AvroSerializer(client, ORDERS_V2)(order(coupon_code="SPRING", discount_cents=250), context)
    reader = AvroDeserializer(client, schema_str=ORDERS_V2)
    decoded = reader(old_bytes, context)
    assert decoded["coupon_code"] is None
    assert decoded["discount_cents"] == 0
    assert client.get_versions(f"{topic}-value") == [1, 2]


def test_serializer_reuses_the_id_of_an_identical_schema_in_another_subject(
    registry: Any, sr_client: Any
) -> None:
    client = sr_client(registry.url)
    first, second = (f"t-{uuid.uuid4().hex[:8]}" for _ in range(2))
    a = AvroSerializer(client, ORDERS_V1)(order(), SerializationContext(first, MessageField.VALUE))
    # Same schema, different spelling: key order and whitespace do not make a new id.
    respelled = json.dumps(json.loads(ORDERS_V1), indent=4, sort_keys=True)
    fresh_client = sr_client(registry.url)
    b = AvroSerializer(fresh_client, respelled)(
        order(), SerializationContext(second, MessageField.VALUE)
    )
    assert a[:5] == b[:5]


ADDRESS = json.dumps(
    {"type": "record", "name": "Address", "namespace": "io.shop",
     "fields": [{"name": "city", "type": "string"}]}
)  # fmt: skip
CUSTOMER = json.dumps(
    {"type": "record", "name": "Customer", "namespace": "io.shop",
     "fields": [{"name": "id", "type": "string"}, {"name": "home", "type": "io.shop.Address"}]}
)  # fmt: skip


def test_schema_references_through_the_serdes(registry: Any, sr_client: Any) -> None:
    from confluent_kafka.schema_registry import SchemaReference

    client = sr_client(registry.url)
    topic = f"customers-{uuid.uuid4().hex[:8]}"
    address_subject = f"{topic}-address"
    client.register_schema(address_subject, Schema(ADDRESS, "AVRO"))
    customer = Schema(CUSTOMER, "AVRO", [SchemaReference("io.shop.Address", address_subject, 1)])
    context = SerializationContext(topic, MessageField.VALUE)
    value = {"id": "C1", "home": {"city": "Lyon"}}
    payload = AvroSerializer(client, customer)(value, context)
    # A fresh client knows nothing: it fetches the schema by id, then the reference it names.
    reader = AvroDeserializer(sr_client(registry.url))
    assert reader(payload, context) == value
    registered = client.get_latest_version(f"{topic}-value")
    assert [(r.name, r.subject, r.version) for r in registered.schema.references] == [
        ("io.shop.Address", address_subject, 1)
    ]
