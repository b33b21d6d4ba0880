"""One suite, three independent clients: confluent-kafka, aiokafka and kcat (see conftest.py).

Admin round trips, records byte for byte (keys, headers, timestamps), every compression codec,
the idempotent producer, a consumer group of three that rebalances while one joins and one
leaves, and committed offsets that survive a broker restart.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

# (key, value, headers, timestamp): what a byte-for-byte round trip must preserve
BINARY_RECORDS = [
    (b"k1", b"plain value", (("h1", b"v1"),), 1_700_000_000_000),
    (None, b"no key", (), 1_700_000_000_001),
    (b"tomb", None, (("why", b"deleted"),), 1_700_000_000_002),
    (b"", b"", (), 1_700_000_000_003),
    (bytes(range(256)), bytes(range(255, -1, -1)) * 4, (("bin", bytes(range(32))),), 1),
    (b"k2", b"two headers, one repeated", (("a", b"1"), ("a", b"2"), ("n", None)), 2**41),
    ("ключ".encode(), "значение ✓".encode(), (("ünïcode", "ß".encode()),), 1_700_000_000_004),
]
# kcat reads records as tab-separated text lines and stamps them itself
TEXT_RECORDS = [
    (b"k1", b"plain value", (), None),
    (b"k2", b"second value", (), None),
    (b"k3", "unicode ✓ value".encode(), (), None),
]


def _records_for(client: Any) -> list[Any]:
    return BINARY_RECORDS if client.binary_safe else TEXT_RECORDS


def _same(got: list[Any], sent: list[Any], timestamps: bool) -> None:
    assert [g.offset for g in got] == list(range(len(sent)))
    for (key, value, headers, timestamp), received in zip(sent, got, strict=True):
        assert (received.key, received.value, received.headers) == (key, value, headers)
        if timestamps and timestamp is not None:
            assert received.timestamp == timestamp


def test_admin_create_list_describe_delete(
    client: Any, bootstrap: str, unique: Any, wait_until: Any
) -> None:
    if not client.can_admin:
        pytest.skip(f"{client.name} has no admin API (topics are auto-created on produce)")
    topic = unique("admin")
    client.create_topic(bootstrap, topic, 3, {"cleanup.policy": "compact"})
    assert topic in client.list_topics(bootstrap)
    assert client.partitions(bootstrap, topic) == 3
    client.delete_topic(bootstrap, topic)
    wait_until(lambda: topic not in client.list_topics(bootstrap), 10, "the topic to go")


def test_auto_created_topic_is_listed(client: Any, bootstrap: str, unique: Any) -> None:
    topic = unique("auto")
    client.produce(bootstrap, topic, TEXT_RECORDS[:1])
    assert topic in client.list_topics(bootstrap)
    assert client.partitions(bootstrap, topic) == 1


def test_records_round_trip_byte_for_byte(client: Any, bootstrap: str, unique: Any) -> None:
    topic = unique("bytes")
    sent = _records_for(client)
    client.produce(bootstrap, topic, sent)
    _same(client.consume(bootstrap, topic, len(sent)), sent, client.sets_timestamps)


def test_records_cross_clients(client: Any, confluent: Any, bootstrap: str, unique: Any) -> None:
    """What one client wrote, another reads back the same, both ways."""
    sent = _records_for(client)
    written_by_client, written_by_confluent = unique("cross"), unique("cross")
    client.produce(bootstrap, written_by_client, sent)
    confluent.produce(bootstrap, written_by_confluent, sent)
    _same(confluent.consume(bootstrap, written_by_client, len(sent)), sent, False)
    _same(client.consume(bootstrap, written_by_confluent, len(sent)), sent, True)


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
@pytest.mark.parametrize("idempotent", [False, True], ids=["plain", "idempotent"])
def test_every_codec_plain_and_idempotent(
    client: Any, bootstrap: str, unique: Any, codec: str, idempotent: bool
) -> None:
    topic = unique(f"codec-{codec}")
    headers = () if not client.binary_safe else (("n", b"x"),)
    sent = [(b"key-%d" % i, b"value %d " % i * 20, headers, None) for i in range(300)]
    client.produce(bootstrap, topic, sent, compression=codec, idempotent=idempotent)
    got = client.consume(bootstrap, topic, len(sent))
    _same(got, sent, False)


def test_group_of_three_rebalances_and_consumes_each_record_once(
    client: Any, confluent: Any, bootstrap: str, unique: Any, wait_until: Any
) -> None:
    """Two members read; a third joins; one leaves; records keep coming throughout."""
    topic, group = unique("group"), unique("g")
    confluent.create_topic(bootstrap, topic, 6, {})
    produced: list[int] = []
    members: list[Any] = []

    def produce(count: int) -> None:
        numbers = range(len(produced), len(produced) + count)
        confluent.produce(
            bootstrap, topic, [(b"k%d" % i, b"v%d" % i, (), None) for i in numbers], partition=None
        )
        produced.extend(numbers)

    def join() -> Any:
        members.append(client.member(bootstrap, topic, group).start())
        return members[-1]

    def consumed() -> int:
        return sum(len(member.seen) for member in members)

    try:
        join()
        second = join()
        produce(300)
        wait_until(lambda: consumed() == 300, 30, "two members consuming")
        third = join()  # a rebalance
        deadline = time.monotonic() + 30
        while not third.seen and time.monotonic() < deadline:
            produce(30)  # keep records coming until the newcomer owns partitions and reads
            time.sleep(0.3)
        second.stop()  # another rebalance
        produce(300)
        wait_until(lambda: consumed() >= len(produced), 60, "every record consumed")
        time.sleep(1)  # would a duplicate still arrive?
    finally:
        for member in members:
            member.stop()
    seen = [record for member in members for record in member.seen]
    assert all(member.seen for member in members), [len(member.seen) for member in members]
    assert len(set(seen)) == len(produced), "some records were never consumed"
    assert len(seen) == len(produced), f"{len(seen) - len(set(seen))} records consumed twice"


def test_committed_offsets_resume_after_broker_restart(
    client: Any, confluent: Any, embedded_stack_factory: Any, tmp_path: Path, unique: Any
) -> None:
    stack = embedded_stack_factory(("broker",), tmp_path / "stack")
    bootstrap = stack.bootstrap_servers
    topic, group = unique("resume"), unique("g")
    records = [(b"k%d" % i, b"v%d" % i, (), None) for i in range(100)]
    confluent.produce(bootstrap, topic, records)
    first = client.consume(bootstrap, topic, 60, group=group)
    assert [g.offset for g in first[:60]] == list(range(60))
    stack.restart()
    assert stack.bootstrap_servers == bootstrap
    rest = client.consume(bootstrap, topic, 100 - len(first), group=group)
    assert [g.offset for g in rest] == list(range(len(first), 100))
