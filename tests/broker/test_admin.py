"""Admin and lookup APIs through confluent-kafka's AdminClient and Consumer: the right answers
and Kafka's error codes for what a real cluster refuses."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")


def _admin(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})


def _create_error(admin: AdminClient, topic: NewTopic, validate_only: bool = False) -> int:
    future = admin.create_topics([topic], validate_only=validate_only)[topic.topic]
    try:
        future.result(15)
    except KafkaException as error:
        return int(error.args[0].code())
    return KafkaError.NO_ERROR


# name -> (NewTopic arguments, the error Kafka answers)
CREATE_REFUSALS: dict[str, tuple[dict[str, Any], int]] = {
    "illegal name": ({"topic": "no spaces", "num_partitions": 1}, KafkaError.TOPIC_EXCEPTION),
    "name too long": ({"topic": "x" * 250, "num_partitions": 1}, KafkaError.TOPIC_EXCEPTION),
    "zero partitions": ({"num_partitions": 0}, KafkaError.INVALID_PARTITIONS),
    "replication factor beyond one broker": (
        {"num_partitions": 1, "replication_factor": 3},
        KafkaError.INVALID_REPLICATION_FACTOR,
    ),
    "unknown config": (
        {"num_partitions": 1, "config": {"no.such.config": "1"}},
        KafkaError.INVALID_CONFIG,
    ),
    "bad config value": (
        {"num_partitions": 1, "config": {"cleanup.policy": "shred"}},
        KafkaError.INVALID_CONFIG,
    ),
    "negative retention below -1": (
        {"num_partitions": 1, "config": {"retention.ms": "-7"}},
        KafkaError.INVALID_CONFIG,
    ),
    "replica on another broker": (
        {"num_partitions": 1, "replica_assignment": [[2]]},
        KafkaError.INVALID_REPLICA_ASSIGNMENT,
    ),
}


@pytest.mark.parametrize("case", sorted(CREATE_REFUSALS))
def test_create_topic_refusals(case: str, bootstrap: str, unique: Any) -> None:
    arguments, expected = CREATE_REFUSALS[case]
    admin = _admin(bootstrap)
    topic = NewTopic(**{"topic": unique("refused"), **arguments})
    assert _create_error(admin, topic) == expected
    assert topic.topic not in admin.list_topics(timeout=10).topics


def test_create_twice_is_topic_already_exists(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    name = unique("twice")
    assert _create_error(admin, NewTopic(name, 2)) == KafkaError.NO_ERROR
    assert _create_error(admin, NewTopic(name, 2)) == KafkaError.TOPIC_ALREADY_EXISTS


def test_validate_only_creates_nothing(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    name = unique("dry-run")
    assert _create_error(admin, NewTopic(name, 3), validate_only=True) == KafkaError.NO_ERROR
    assert name not in admin.list_topics(timeout=10).topics


def test_default_partitions_and_replication(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    name = unique("defaults")
    admin.create_topics([NewTopic(name)])[name].result(15)  # -1 / -1: broker defaults
    metadata = admin.list_topics(name, timeout=10)
    partitions = metadata.topics[name].partitions
    assert len(partitions) == 1
    assert partitions[0].replicas == [metadata.controller_id] == partitions[0].isrs


def test_delete_unknown_topic(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    future = admin.delete_topics([unique("never")])
    with pytest.raises(KafkaException) as raised:
        next(iter(future.values())).result(15)
    assert raised.value.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_describe_configs_reports_set_and_default_values(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    name = unique("configs")
    configs = {"cleanup.policy": "compact", "retention.ms": "3600000"}
    admin.create_topics([NewTopic(name, 1, config=configs)])[name].result(15)
    resource = ConfigResource(ConfigResource.Type.TOPIC, name)
    described = admin.describe_configs([resource])[resource].result(15)
    assert described["cleanup.policy"].value == "compact"
    assert described["retention.ms"].value == "3600000"
    assert not described["retention.ms"].is_default
    assert described["segment.bytes"].value == "1073741824"
    assert described["segment.bytes"].is_default
    broker = ConfigResource(ConfigResource.Type.BROKER, "1")
    assert admin.describe_configs([broker])[broker].result(15)["num.partitions"].value == "1"


def test_create_partitions_grows_a_topic(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    name = unique("grow")
    admin.create_topics([NewTopic(name, 2)])[name].result(15)
    admin.create_partitions([NewPartitions(name, 5)])[name].result(15)
    assert len(admin.list_topics(name, timeout=10).topics[name].partitions) == 5
    with pytest.raises(KafkaException) as raised:
        admin.create_partitions([NewPartitions(name, 3)])[name].result(15)
    assert raised.value.args[0].code() == KafkaError.INVALID_PARTITIONS


def _produce(bootstrap: str, topic: str, timestamps: list[int]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "logger": LOG})
    for number, timestamp in enumerate(timestamps):
        producer.produce(topic, value=b"%d" % number, partition=0, timestamp=timestamp)
    assert producer.flush(15) == 0


def _consumer(bootstrap: str) -> Consumer:
    return Consumer({"bootstrap.servers": bootstrap, "group.id": "lookup", "logger": LOG})


def test_watermarks_and_offsets_for_times(bootstrap: str, unique: Any) -> None:
    topic = unique("times")
    base = 1_700_000_000_000
    _produce(bootstrap, topic, [base + 10 * i for i in range(50)])
    consumer = _consumer(bootstrap)
    assert consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10) == (0, 50)
    # (asked timestamp, expected offset): exact hits, between records, before all, after all
    cases = [(base, 0), (base + 10, 1), (base + 15, 2), (base + 490, 49), (base - 5, 0)]
    cases.append((base + 491, -1))
    for timestamp, offset in cases:  # one partition may appear only once per request
        found = consumer.offsets_for_times([TopicPartition(topic, 0, timestamp)], timeout=10)
        assert found[0].offset == offset, timestamp
    consumer.close()


def test_log_append_time_topic_stamps_broker_time(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    topic = unique("append-time")
    config = {"message.timestamp.type": "LogAppendTime"}
    admin.create_topics([NewTopic(topic, 1, config=config)])[topic].result(15)
    before = int(time.time() * 1000)
    _produce(bootstrap, topic, [1, 2, 3])
    consumer = _consumer(bootstrap)
    consumer.assign([TopicPartition(topic, 0, 0)])
    messages: list[Any] = []
    deadline = time.monotonic() + 15
    while len(messages) < 3 and time.monotonic() < deadline:
        messages += [m for m in consumer.consume(3, 0.5) if m.error() is None]
    consumer.close()
    kinds = {m.timestamp()[0] for m in messages}
    assert kinds == {2}  # TIMESTAMP_LOG_APPEND_TIME
    assert all(before <= m.timestamp()[1] <= int(time.time() * 1000) for m in messages)


def test_auto_create_can_be_switched_off(broker_process: Any, unique: Any) -> None:
    broker = broker_process("--no-auto-create-topics")
    producer = Producer(
        {"bootstrap.servers": broker.bootstrap, "logger": LOG, "message.timeout.ms": 3000}
    )
    errors: list[Any] = []
    producer.produce(unique("absent"), b"x", on_delivery=lambda error, _: errors.append(error))
    producer.flush(10)
    assert errors and errors[0].code() in (
        KafkaError.UNKNOWN_TOPIC_OR_PART,
        KafkaError._MSG_TIMED_OUT,
        KafkaError._UNKNOWN_TOPIC,
    )
    assert _admin(broker.bootstrap).list_topics(timeout=10).topics == {}


def test_topics_come_and_go_while_another_is_busy(bootstrap: str, unique: Any) -> None:
    admin = _admin(bootstrap)
    busy = unique("busy")
    stop = threading.Event()

    def keep_producing() -> None:
        producer = Producer({"bootstrap.servers": bootstrap, "logger": LOG})
        while not stop.is_set():
            for _ in range(1000):
                producer.produce(busy, b"x" * 100, partition=0)
            producer.flush(10)

    worker = threading.Thread(target=keep_producing)
    worker.start()
    try:
        for _ in range(5):
            name = unique("short-lived")
            admin.create_topics([NewTopic(name, 2)])[name].result(15)
            _produce(bootstrap, name, [1, 2, 3])
            started = time.monotonic()
            admin.delete_topics([name])[name].result(15)
            assert time.monotonic() - started < 5
            assert name not in admin.list_topics(timeout=10).topics
    finally:
        stop.set()
        worker.join(30)
