"""Consumer groups beyond the happy path: dead members expire, groups are described, listed and
deleted, and offsets are committed only by whom Kafka would allow."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest
from confluent_kafka import Consumer as RdConsumer
from confluent_kafka import (
    ConsumerGroupState,
    KafkaError,
    KafkaException,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
FAST = {"session.timeout.ms": 2000, "heartbeat.interval.ms": 300}

# A group member in its own process, so the test can kill -9 it.
MEMBER = textwrap.dedent(
    """
    import sys, logging
    from confluent_kafka import Consumer
    bootstrap, topic, group = sys.argv[1:4]
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                         "session.timeout.ms": 2000, "heartbeat.interval.ms": 300,
                         "logger": logging.getLogger("x")})
    def assigned(consumer, partitions):
        print("assigned", len(partitions), flush=True)
    consumer.subscribe([topic], on_assign=assigned)
    while True:
        consumer.poll(0.2)
    """
)


def _consumer(bootstrap: str, group: str, **extra: Any) -> RdConsumer:
    config = {"bootstrap.servers": bootstrap, "group.id": group, "logger": LOG}
    return RdConsumer({**config, **FAST, **extra})


def _topic(bootstrap: str, name: str, partitions: int) -> AdminClient:
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG})
    admin.create_topics([NewTopic(name, partitions)])[name].result(15)
    return admin


def _assignment_size(consumer: RdConsumer, until: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        consumer.poll(0.1)
        if len(consumer.assignment()) == until:
            break
    return len(consumer.assignment())


def test_a_killed_member_expires_and_its_partitions_move(bootstrap: str, unique: Any) -> None:
    topic, group = unique("expiry"), unique("g")
    _topic(bootstrap, topic, 4)
    child = subprocess.Popen(
        [sys.executable, "-c", MEMBER, bootstrap, topic, group],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("assigned 4")
        survivor = _consumer(bootstrap, group)
        survivor.subscribe([topic])
        assert _assignment_size(survivor, 2, 20) == 2  # shared with the child
        child.kill()  # no LeaveGroup: only the session timeout can tell
        started = time.monotonic()
        assert _assignment_size(survivor, 4, 20) == 4
        assert time.monotonic() - started < 10
        survivor.close()
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


def test_describe_list_and_delete_groups(bootstrap: str, unique: Any) -> None:
    topic, group = unique("describe"), unique("g")
    admin = _topic(bootstrap, topic, 2)
    members = [_consumer(bootstrap, group, **{"client.id": f"member-{i}"}) for i in range(2)]
    for member in members:
        member.subscribe([topic])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(len(m.assignment()) == 1 for m in members):
        for member in members:
            member.poll(0.1)
    members[0].commit(offsets=[TopicPartition(topic, 0, 5)], asynchronous=False)

    described = admin.describe_consumer_groups([group])[group].result(15)
    assert described.state == ConsumerGroupState.STABLE
    assert sorted(m.client_id for m in described.members) == ["member-0", "member-1"]
    assigned = sorted(
        tp.partition for m in described.members for tp in m.assignment.topic_partitions
    )
    assert assigned == [0, 1]
    listed = admin.list_consumer_groups().result(15)
    assert group in {g.group_id for g in listed.valid}

    with pytest.raises(KafkaException) as raised:
        admin.delete_consumer_groups([group])[group].result(15)
    assert raised.value.args[0].code() == KafkaError.NON_EMPTY_GROUP

    for member in members:
        member.close()
    admin.delete_consumer_groups([group])[group].result(15)
    reader = _consumer(bootstrap, group)
    committed = reader.committed([TopicPartition(topic, 0)], timeout=10)
    assert committed[0].offset < 0  # the offsets went with the group
    reader.close()


def test_offsets_of_an_active_group_cannot_be_altered_from_outside(
    bootstrap: str, unique: Any
) -> None:
    from confluent_kafka import ConsumerGroupTopicPartitions

    topic, group = unique("alter"), unique("g")
    admin = _topic(bootstrap, topic, 1)
    member = _consumer(bootstrap, group)
    member.subscribe([topic])
    assert _assignment_size(member, 1, 20) == 1
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, 3)])
    answer = admin.alter_consumer_group_offsets([request])[group].result(15)
    assert answer.topic_partitions[0].error.code() == KafkaError.UNKNOWN_MEMBER_ID
    member.close()
    # once the group is empty, the same request is accepted
    admin.alter_consumer_group_offsets([request])[group].result(15)
    reader = _consumer(bootstrap, group)
    assert reader.committed([TopicPartition(topic, 0)], timeout=10)[0].offset == 3
    reader.close()


def test_a_standalone_consumer_commits_without_joining(bootstrap: str, unique: Any) -> None:
    topic, group = unique("assign"), unique("g")
    _topic(bootstrap, topic, 1)
    consumer = _consumer(bootstrap, group)
    consumer.assign([TopicPartition(topic, 0, 0)])
    consumer.commit(offsets=[TopicPartition(topic, 0, 42, "meta")], asynchronous=False)
    committed = consumer.committed([TopicPartition(topic, 0)], timeout=10)[0]
    assert (committed.offset, committed.metadata) == (42, "meta")
    consumer.close()
