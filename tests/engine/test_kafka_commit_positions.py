"""A persistent query over a topic written in transactions commits past the transaction markers
and aborted records at its end, so its consumer group shows no lag once it has read everything
(Kafka Streams commits positions for the same reason)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import InMemorySchemaRegistry
from ksqlmv.local import EmbeddedStack

pytestmark = pytest.mark.integration


def _transactions(servers: str, topic: str, outcomes: list[str]) -> None:
    """One transaction of three records per outcome ("commit" or "abort"), in order."""
    producer = Producer({"bootstrap.servers": servers, "transactional.id": f"tx-{uuid.uuid4()}"})
    producer.init_transactions(30)
    for number, outcome in enumerate(outcomes):
        producer.begin_transaction()
        for key in ("a", "b", "c"):
            producer.produce(topic, json.dumps({"N": number}).encode(), key.encode())
        if outcome == "commit":
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)


def _lag(servers: str, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": servers, "group.id": group})
    try:
        partition = TopicPartition(topic, 0)
        (committed,) = consumer.committed([partition], timeout=10)
        _, high = consumer.get_watermark_offsets(partition, timeout=10)
        return int(high - max(committed.offset, 0))
    finally:
        consumer.close()


def _latest(servers: str, topic: str) -> dict[str, int]:
    """Each key's last count in the table's topic."""
    consumer = Consumer({"bootstrap.servers": servers, "group.id": f"reader-{uuid.uuid4()}"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    latest: dict[str, int] = {}
    try:
        while messages := consumer.consume(100, 1.0):
            for message in messages:
                if message.error() is None:
                    latest[message.key().decode()] = json.loads(message.value())["C"]
    finally:
        consumer.close()
    return latest


@pytest.mark.parametrize("last", ["commit", "abort"])
def test_a_query_commits_past_the_markers_at_the_end_of_its_topic(
    embedded_broker: EmbeddedStack, last: str
) -> None:
    servers = embedded_broker.bootstrap_servers
    suffix = uuid.uuid4().hex[:8]
    topic, service = f"tx_source_{suffix}", f"svc_{suffix}_"
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(topic, 1)])[topic].result(30)
    _transactions(servers, topic, ["commit", "abort", last])
    driver = KafkaDriver({"bootstrap.servers": servers}, InMemorySchemaRegistry())
    try:
        engine = KsqlEngine(
            driver, properties={"ksql.service.id": service, "auto.offset.reset": "earliest"}
        )
        engine.execute(
            f"CREATE STREAM SRC (K STRING KEY, N INT) WITH (KAFKA_TOPIC='{topic}', "
            "VALUE_FORMAT='JSON'); CREATE TABLE COUNTS AS SELECT K, COUNT(*) AS C FROM SRC "
            "GROUP BY K;"
        )
        (query_id,) = engine.queries
        group = f"_confluent-ksql-{service}query_{query_id}"
        deadline = time.monotonic() + 30
        lag = -1
        while time.monotonic() < deadline:
            lag = _lag(servers, group, topic)
            if lag == 0:
                break
            time.sleep(0.2)
        # three transactions of three records and a marker each: offsets 0-11
        assert lag == 0, f"{group} still {lag} behind the end of {topic}"
        counted = 2 if last == "commit" else 1
        assert _latest(servers, "COUNTS") == {"a": counted, "b": counted, "c": counted}
    finally:
        driver.close()
