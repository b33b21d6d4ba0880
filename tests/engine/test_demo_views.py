"""The demo's join views (ksql/migrations V11 and V12) on the embedded stack, checked against
results computed here, independently, from the same input."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import ConfluentSchemaRegistry
from ksqlmv.local import EmbeddedStack

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "ksql" / "migrations"
SCHEMAS = ROOT / "schemas"
T0 = 1_700_000_000_000
MINUTE = 60_000
CENTS = Decimal("0.01")


def _customers(rng: random.Random) -> list[tuple[str, dict[str, Any], int]]:
    """Twenty customers signed up before any order; three change tier later."""
    rows = []
    for i in range(20):
        value = {
            "name": f"Customer {i}",
            "email": f"c{i}@example.com",
            "tier": rng.choice(["BRONZE", "SILVER", "GOLD"]),
            "country": rng.choice(["DE", "FR", "US"]),
            "city": "Somewhere",
            "marketing_opt_in": i % 2 == 0,
            "signed_up_at": T0 - 1_000 + i,
        }
        rows.append((f"C{i}", value, value["signed_up_at"]))
    for i, at in ((3, 30), (7, 90), (11, 150)):
        changed = dict(rows[i][1], tier="PLATINUM")
        rows.append((f"C{i}", changed, T0 + at * MINUTE + 30_000))
    return rows


def _orders(rng: random.Random) -> list[tuple[str, dict[str, Any], int]]:
    rows = []
    for i in range(60):
        quantity = rng.randrange(1, 5)
        price = Decimal(rng.randrange(100, 10_000)) / 100
        at = T0 + i * 3 * MINUTE
        value = {
            "customer_id": f"C{rng.randrange(20)}",
            "product_id": f"P{rng.randrange(10)}",
            "quantity": quantity,
            "unit_price": price,
            "amount": (price * quantity).quantize(CENTS),
            "currency": "EUR",
            "status": "CANCELLED" if i % 7 == 3 else "PLACED",
            "channel": rng.choice(["WEB", "APP"]),
            "ordered_at": at,
        }
        rows.append((f"O{i}", value, at))
    return rows


def _payments(orders: list[tuple[str, dict[str, Any], int]], rng: random.Random) -> list[Any]:
    """Payments for most orders: on time, half an hour early, or too late to match."""
    rows = []
    for n, (order_id, order, at) in enumerate(orders):
        if n % 5 == 4:
            continue  # never paid
        delay = {0: 5 * MINUTE, 1: 59 * MINUTE, 2: -30 * MINUTE, 3: 75 * MINUTE}[n % 4]
        value = {
            "order_id": order_id,
            "amount": order["amount"],
            "currency": "EUR",
            "method": rng.choice(["CARD", "PAYPAL"]),
            "status": "DECLINED" if n % 9 == 0 else "AUTHORIZED",
            "paid_at": at + delay,
        }
        rows.append((f"PAY{n}", value, at + delay))
    return sorted(rows, key=lambda row: row[2])


def _expected_enriched(customers: list[Any], orders: list[Any]) -> Counter[Any]:
    found: Counter[Any] = Counter()
    for _, order, at in orders:
        versions = [c for key, c, ts in customers if key == order["customer_id"] and ts <= at]
        customer = versions[-1]
        found[
            (
                order["customer_id"],
                customer["name"],
                customer["tier"],
                customer["country"],
                order["amount"],
                order["status"],
                order["ordered_at"],
            )
        ] += 1
    return found


def _expected_matched(orders: list[Any], payments: list[Any]) -> Counter[Any]:
    found: Counter[Any] = Counter()
    for order_id, order, ordered_at in orders:
        if order["status"] != "PLACED":
            continue
        for _, payment, paid_at in payments:
            if payment["order_id"] == order_id and abs(paid_at - ordered_at) <= 60 * MINUTE:
                seconds = int((paid_at - ordered_at) / 1000)  # Java's division truncates
                found[(order_id, order["amount"], payment["method"], seconds)] += 1
    return found


def _statements(*names: str) -> str:
    return "\n".join((MIGRATIONS / name).read_text(encoding="utf-8") for name in names)


def _produce(servers: str, registry: SchemaRegistryClient, topic: str, rows: list[Any]) -> None:
    schema = (SCHEMAS / f"{topic}-value.avsc").read_text(encoding="utf-8")
    serializer = AvroSerializer(registry, schema, conf={"auto.register.schemas": False})
    producer = Producer({"bootstrap.servers": servers})
    for key, value, ts in rows:
        data = serializer(value, SerializationContext(topic, MessageField.VALUE))
        producer.produce(topic, data, key.encode(), timestamp=ts)
    assert producer.flush(10) == 0


def _row(deserializer: AvroDeserializer, message: Any) -> dict[str, Any]:
    """The record's value, with its (KAFKA-format, STRING) key as `KEY`."""
    context = SerializationContext(message.topic(), MessageField.VALUE)
    return {"KEY": message.key().decode(), **deserializer(message.value(), context)}


def _read(servers: str, registry: SchemaRegistryClient, topic: str, count: int) -> list[Any]:
    deserializer = AvroDeserializer(registry)
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"check-{uuid.uuid4()}"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    found: list[Any] = []
    deadline = time.monotonic() + 60
    try:
        while len(found) < count and time.monotonic() < deadline:
            for message in consumer.consume(100, 0.2):
                if message.error() is None:
                    found.append(_row(deserializer, message))
        time.sleep(0.5)  # anything beyond the expected count would be a wrong extra row
        found.extend(_row(deserializer, m) for m in consumer.consume(100, 0.5) if m.error() is None)
    finally:
        consumer.close()
    return found


def test_orders_enriched_and_payments_matched(
    embedded_stack_factory: Callable[..., EmbeddedStack], tmp_path: Path
) -> None:
    stack = embedded_stack_factory(("broker", "registry"), tmp_path / "stack")
    servers = stack.bootstrap_servers
    registry = SchemaRegistryClient({"url": stack.schema_registry_url})
    rng = random.Random(7)
    customers, orders = _customers(rng), _orders(rng)
    payments = _payments(orders, rng)
    admin = AdminClient({"bootstrap.servers": servers})
    for topic in ("customers", "orders", "payments"):
        admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(10)
        text = (SCHEMAS / f"{topic}-value.avsc").read_text(encoding="utf-8")
        registry.register_schema(f"{topic}-value", Schema(text, "AVRO"))
    _produce(servers, registry, "customers", sorted(customers, key=lambda row: row[2]))
    _produce(servers, registry, "orders", orders)
    _produce(servers, registry, "payments", payments)

    engine_registry = ConfluentSchemaRegistry(stack.schema_registry_url)
    driver = KafkaDriver({"bootstrap.servers": servers}, engine_registry)
    try:
        engine = KsqlEngine(driver, properties={"ksql.service.id": "demo_"})
        engine.execute(
            _statements(
                "V000001__create_customers_table.sql",
                "V000003__create_orders_stream.sql",
                "V000004__create_payments_stream.sql",
            )
        )
        engine.execute(_statements("V000011__orders_enriched.sql"))
        engine.execute(_statements("V000012__payments_matched.sql"))
        expected_enriched = _expected_enriched(customers, orders)
        expected_matched = _expected_matched(orders, payments)
        enriched = _read(servers, registry, "orders_enriched", len(orders))
        matched = _read(servers, registry, "payments_matched", sum(expected_matched.values()))
    finally:
        driver.close()
        engine_registry.close()
        registry.close()

    assert (
        Counter(
            (
                row["KEY"],
                row["CUSTOMER_NAME"],
                row["CUSTOMER_TIER"],
                row["COUNTRY"],
                row["AMOUNT"],
                row["STATUS"],
                int(row["ORDERED_AT"].timestamp() * 1000),  # timestamp-millis reads as datetime
            )
            for row in enriched
        )
        == expected_enriched
    )
    assert (
        Counter(
            (row["KEY"], row["ORDER_AMOUNT"], row["METHOD"], row["SECONDS_TO_PAY"])
            for row in matched
        )
        == expected_matched
    )
    assert any(tier == "PLATINUM" for _, _, tier, *_ in expected_enriched)  # updates mattered
