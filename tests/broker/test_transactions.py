"""Transactions with librdkafka's transactional producer and read_committed consumers.

Committed records are visible, aborted ones never (to read_committed); an open transaction
holds back read_committed readers at its first offset (the LSO); consumed offsets sent to a
transaction count only once it commits; a second producer with the same transactional.id fences
the first and aborts what it left open; a transaction left open past its timeout is aborted.
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

import pytest
from confluent_kafka import (
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")


def _topic(bootstrap: str, name: str, partitions: int = 1) -> str:
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    admin.create_topics([NewTopic(name, partitions)])[name].result(15)
    return name


def _producer(bootstrap: str, txn_id: str, **extra: Any) -> Producer:
    producer = Producer(
        {"bootstrap.servers": bootstrap, "transactional.id": txn_id, "logger": LOG, **extra}
    )
    producer.init_transactions(30)
    return producer


def _read(
    bootstrap: str, topic: str, isolation: str, partitions: int = 1, settle: float = 1.0
) -> list[tuple[int, int, bytes | None]]:
    """(partition, offset, value) of every record `isolation` lets a consumer see now."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{time.monotonic_ns()}",
            "isolation.level": isolation,
            "enable.partition.eof": True,
            "logger": LOG,
        }
    )
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    found: list[tuple[int, int, bytes | None]] = []
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        for message in consumer.consume(1000, 0.1):
            if message.error() is None:
                found.append((message.partition(), message.offset(), message.value()))
    consumer.close()
    return sorted(found)


def _values(found: list[tuple[int, int, bytes | None]]) -> list[bytes | None]:
    return [value for _, _, value in found]


def _stable_end(bootstrap: str, topic: str, isolation: str) -> int:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "ends", "isolation.level": isolation}
    )
    try:
        return int(consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1])
    finally:
        consumer.close()


CASES = [
    # (what each transaction does, what read_committed sees, what read_uncommitted sees)
    (["commit"], [b"t0-0", b"t0-1"], [b"t0-0", b"t0-1"]),
    (["abort"], [], [b"t0-0", b"t0-1"]),
    (["abort", "commit"], [b"t1-0", b"t1-1"], [b"t0-0", b"t0-1", b"t1-0", b"t1-1"]),
    (
        ["commit", "abort", "commit"],
        [b"t0-0", b"t0-1", b"t2-0", b"t2-1"],
        [b"t0-0", b"t0-1", b"t1-0", b"t1-1", b"t2-0", b"t2-1"],
    ),
]


@pytest.mark.parametrize(("ends", "committed", "uncommitted"), CASES)
def test_committed_records_are_visible_and_aborted_never(
    embedded_broker: Any,
    unique: Callable[[str], str],
    ends: list[str],
    committed: list[bytes],
    uncommitted: list[bytes],
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    topic = _topic(bootstrap, unique("txn"))
    producer = _producer(bootstrap, unique("txn-id"))
    for number, end in enumerate(ends):
        producer.begin_transaction()
        for index in range(2):
            producer.produce(topic, b"t%d-%d" % (number, index))
        producer.flush(10)  # on the broker before the abort, so there is something to hide
        if end == "commit":
            producer.commit_transaction(10)
        else:
            producer.abort_transaction(10)
    assert _values(_read(bootstrap, topic, "read_committed")) == committed
    assert _values(_read(bootstrap, topic, "read_uncommitted")) == uncommitted
    # every transaction's marker takes an offset of its own
    assert _stable_end(bootstrap, topic, "read_committed") == len(ends) * 3


def test_an_open_transaction_holds_read_committed_at_its_first_offset(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    topic = _topic(bootstrap, unique("lso"))
    plain = Producer({"bootstrap.servers": bootstrap, "logger": LOG})
    plain.produce(topic, b"before")
    plain.flush(10)
    producer = _producer(bootstrap, unique("txn-id"))
    producer.begin_transaction()
    producer.produce(topic, b"open")
    producer.flush(10)
    plain.produce(topic, b"after")  # not transactional, but past the LSO
    plain.flush(10)
    assert _values(_read(bootstrap, topic, "read_committed")) == [b"before"]
    assert _values(_read(bootstrap, topic, "read_uncommitted")) == [b"before", b"open", b"after"]
    assert _stable_end(bootstrap, topic, "read_committed") == 1
    assert _stable_end(bootstrap, topic, "read_uncommitted") == 3
    producer.commit_transaction(10)
    assert _values(_read(bootstrap, topic, "read_committed")) == [b"before", b"open", b"after"]
    assert _stable_end(bootstrap, topic, "read_committed") == 4


def test_a_read_committed_consumer_waiting_at_the_lso_gets_the_commit(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    topic = _topic(bootstrap, unique("wait"))
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": unique("g"), "logger": LOG}
    )  # read_committed is librdkafka's default
    consumer.assign([TopicPartition(topic, 0, 0)])
    producer = _producer(bootstrap, unique("txn-id"))
    producer.begin_transaction()
    producer.produce(topic, b"x")
    producer.flush(10)
    assert [m for m in consumer.consume(10, 1.0) if m.error() is None] == []
    producer.commit_transaction(10)
    started = time.monotonic()
    got: list[Any] = []
    while not got and time.monotonic() - started < 10:
        got = [m.value() for m in consumer.consume(10, 0.2) if m.error() is None]
    consumer.close()
    assert got == [b"x"]


@pytest.mark.parametrize("end", ["commit", "abort"])
def test_offsets_sent_to_a_transaction_count_only_when_it_commits(
    embedded_broker: Any, unique: Callable[[str], str], end: str
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    source = _topic(bootstrap, unique("in"))
    target = _topic(bootstrap, unique("out"))
    group = unique("group")
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False}
    )
    producer = _producer(bootstrap, unique("txn-id"))
    producer.begin_transaction()
    producer.produce(target, b"result")
    producer.send_offsets_to_transaction(
        [TopicPartition(source, 0, 42)], consumer.consumer_group_metadata(), 10
    )
    assert consumer.committed([TopicPartition(source, 0)], timeout=10)[0].offset < 0
    if end == "commit":
        producer.commit_transaction(10)
    else:
        producer.abort_transaction(10)
    offset = consumer.committed([TopicPartition(source, 0)], timeout=10)[0].offset
    consumer.close()
    assert offset == (42 if end == "commit" else -1001)


def test_a_second_producer_with_the_same_id_fences_the_first(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    topic = _topic(bootstrap, unique("zombie"))
    txn_id = unique("txn-id")
    zombie = _producer(bootstrap, txn_id)
    zombie.begin_transaction()
    zombie.produce(topic, b"zombie-open")
    zombie.flush(10)
    successor = _producer(bootstrap, txn_id)  # aborts what the zombie left open
    assert _values(_read(bootstrap, topic, "read_committed")) == []
    successor.begin_transaction()
    successor.produce(topic, b"successor")
    successor.commit_transaction(10)
    with pytest.raises(KafkaException) as raised:
        zombie.produce(topic, b"zombie-late")
        zombie.flush(10)
        zombie.commit_transaction(10)
    assert raised.value.args[0].fatal(), raised.value
    assert _values(_read(bootstrap, topic, "read_committed")) == [b"successor"]
    uncommitted = _values(_read(bootstrap, topic, "read_uncommitted"))
    assert b"zombie-late" not in uncommitted  # refused by the partition, not only hidden


def test_a_transaction_open_past_its_timeout_is_aborted_and_its_producer_fenced(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    bootstrap = embedded_broker.bootstrap_servers
    topic = _topic(bootstrap, unique("timeout"))
    producer = _producer(bootstrap, unique("txn-id"), **{"transaction.timeout.ms": 1000})
    producer.begin_transaction()
    producer.produce(topic, b"too-slow")
    producer.flush(10)
    deadline = time.monotonic() + 10
    while _stable_end(bootstrap, topic, "read_committed") == 0:
        assert time.monotonic() < deadline, "the transaction was never aborted"
        time.sleep(0.2)
    assert _values(_read(bootstrap, topic, "read_committed")) == []
    with pytest.raises(KafkaException) as raised:
        producer.commit_transaction(10)
    error = raised.value.args[0]
    assert error.fatal() or error.txn_requires_abort(), error


def test_init_producer_id_refuses_a_timeout_beyond_the_maximum(
    embedded_broker: Any, unique: Callable[[str], str]
) -> None:
    producer = Producer(
        {
            "bootstrap.servers": embedded_broker.bootstrap_servers,
            "transactional.id": unique("txn-id"),
            "transaction.timeout.ms": 900_001,
            "logger": LOG,
        }
    )
    with pytest.raises(KafkaException) as raised:
        producer.init_transactions(10)
    assert raised.value.args[0].code() == KafkaError.INVALID_TRANSACTION_TIMEOUT


def test_api_versions_advertises_the_transaction_apis(embedded_broker: Any) -> None:
    host, port = embedded_broker.bootstrap_servers.rsplit(":", 1)
    request = struct.pack(">hhih", 18, 0, 7, -1)  # ApiVersions v0, correlation 7, no client id
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _receive(connection, 4))
        body = _receive(connection, size)
    correlation, error, count = struct.unpack_from(">ihi", body, 0)
    versions = {
        key: (low, high)
        for key, low, high in (struct.unpack_from(">hhh", body, 10 + 6 * n) for n in range(count))
    }
    assert (correlation, error) == (7, 0)
    expected = {22: (0, 1), 24: (0, 1), 25: (0, 1), 26: (0, 1), 28: (0, 2)}
    assert {key: versions.get(key) for key in expected} == expected


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        assert chunk, "the broker closed the connection"
        data += chunk
    return data
