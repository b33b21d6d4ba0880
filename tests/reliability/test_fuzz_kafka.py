"""Bad Kafka frames over raw sockets: the broker answers or closes that connection, and goes on
serving everyone else. Thousands of frames: real requests as librdkafka sends them (recorded
through a relay while a producer, a consumer group and an admin client do their work), each
mutated (bytes flipped, inserted, deleted, repeated, the size, API key or version changed), and
frames of random bytes: 1,600 in all.

Each frame goes to the shared stack's broker on a connection of its own, which is then
half-closed, so the broker sees the end of what it was sent at once. Every hundred frames a
connection opened before the fuzzing must still get its ApiVersions answer; at the end a normal
client produces and consumes, the broker is the same process as before, and it has logged no
traceback.
"""

from __future__ import annotations

import socket
import struct
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

API_VERSIONS = 18
SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SENT = {"frames": 0}


@pytest.fixture(scope="module")
def recorded(relayed_broker_module: Any) -> list[bytes]:
    """Request frames librdkafka sends for ordinary work, at least one per API it uses."""
    relay, bootstrap = relayed_broker_module.relay, relayed_broker_module.bootstrap
    topic = f"fuzz-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(30)
    for idempotent in (False, True):
        producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": idempotent})
        for number in range(20):
            producer.produce(topic, key=b"k%d" % number, value=b"v" * number, headers=[("h", b"x")])
        assert producer.flush(30) == 0
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"fuzz-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    got = 0
    deadline = time.monotonic() + 60
    while got < 40 and time.monotonic() < deadline:
        message = consumer.poll(1)
        if message is not None and message.error() is None:
            got += 1
            consumer.commit(message, asynchronous=False)
    consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.offsets_for_times([TopicPartition(topic, 0, 0)], timeout=10)
    consumer.close()
    admin.delete_topics([topic])[topic].result(30)
    frames = list(relay.requests)
    apis = {struct.unpack(">h", frame[4:6])[0] for frame in frames}
    assert {0, 1, 2, 3, 8, 9, 10, 11, 12, 14, 18, 19, 20, 22} <= apis, sorted(apis)
    return frames


class Broker:
    """The shared stack's broker as the fuzz sees it: where it is, and a control connection
    opened before any bad frame was sent."""

    def __init__(self, platform: Any, api_versions: bytes) -> None:
        self.platform = platform
        host, port = platform.stack.bootstrap_servers.rsplit(":", 1)
        self.address = (host, int(port))
        self.pid = platform.stack.pid("broker")
        self.api_versions = api_versions
        self.control = socket.create_connection(self.address, timeout=10)

    def send(self, frame: bytes) -> None:
        """One frame on a connection of its own; whatever comes back is read and dropped."""
        with socket.create_connection(self.address, timeout=5) as connection:
            try:
                connection.sendall(frame)
                connection.shutdown(socket.SHUT_WR)
                while connection.recv(65536):
                    pass
            except OSError:
                pass  # the broker closed the connection: an answer to bad input
        SENT["frames"] += 1
        if SENT["frames"] % 100 == 0:
            self.check()

    def check(self) -> None:
        """The control connection still gets answers."""
        self.control.sendall(self.api_versions)
        head = self.control.recv(4)
        assert len(head) == 4, "the broker closed a connection that sent nothing wrong"
        size = struct.unpack(">i", head)[0]
        body = b""
        while len(body) < size:
            chunk = self.control.recv(size - len(body))
            assert chunk
            body += chunk
        assert body[:4] == self.api_versions[8:12]  # its correlation id


@pytest.fixture(scope="module")
def broker(fuzz_platform: Any, recorded: list[bytes]) -> Iterator[Broker]:
    api_versions = next(f for f in recorded if struct.unpack(">h", f[4:6])[0] == API_VERSIONS)
    target = Broker(fuzz_platform, api_versions)
    yield target
    target.control.close()


@st.composite
def mutated(draw: st.DrawFn, frames: list[bytes]) -> bytes:
    """A recorded frame with one to four changes."""
    frame = bytearray(draw(st.sampled_from(frames)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(frame) - 1)))
        edit = draw(
            st.sampled_from(
                ["flip", "byte", "insert", "delete", "repeat", "truncate", "size", "api", "version"]
            )
        )
        if edit == "flip" and frame:
            frame[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "byte" and frame:
            frame[at] = draw(st.sampled_from([0, 0x7F, 0x80, 0xFF]))
        elif edit == "insert":
            frame[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif edit == "delete":
            del frame[at : at + draw(st.integers(1, 16))]
        elif edit == "repeat":
            frame[at:at] = frame[at : at + draw(st.integers(1, 64))]
        elif edit == "truncate":
            del frame[at:]
        elif edit == "size" and len(frame) >= 4:
            sizes = st.sampled_from([0, 1, -1, 2**31 - 1, len(frame), len(frame) - 5])
            frame[0:4] = struct.pack(">i", draw(sizes))
        elif edit == "api" and len(frame) >= 6:
            frame[4:6] = struct.pack(">h", draw(st.integers(-(2**15), 2**15 - 1)))
        elif edit == "version" and len(frame) >= 8:
            frame[6:8] = struct.pack(">h", draw(st.sampled_from([-1, 0, 1, 3, 12, 99, 2**15 - 1])))
    if draw(st.booleans()) and len(frame) >= 4:  # mostly keep the size honest, to reach parsers
        frame[0:4] = struct.pack(">i", len(frame) - 4)
    return bytes(frame)


def test_mutated_requests(broker: Broker, recorded: list[bytes]) -> None:
    @settings(SETTINGS, max_examples=1200)
    @given(mutated(recorded))
    def run(frame: bytes) -> None:
        broker.send(frame)

    run()


@settings(SETTINGS, max_examples=400)
@given(st.binary(max_size=300), st.booleans())
def test_random_frames(broker: Broker, payload: bytes, honest_size: bool) -> None:
    size = len(payload) if honest_size else int.from_bytes(payload[:4] or b"\0", "big")
    broker.send(struct.pack(">I", size & 0xFFFFFFFF) + payload)


def test_the_broker_still_serves(broker: Broker) -> None:
    assert SENT["frames"] >= 1600
    broker.check()
    assert broker.platform.stack.pid("broker") == broker.pid
    assert broker.platform.answers()["broker"]
    bootstrap = broker.platform.stack.bootstrap_servers
    topic = f"after-fuzz-{uuid.uuid4().hex[:8]}"
    producer = Producer({"bootstrap.servers": bootstrap})
    for number in range(10):
        producer.produce(topic, value=b"%d" % number)
    assert producer.flush(30) == 0
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": topic, "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    values = []
    deadline = time.monotonic() + 30
    while len(values) < 10 and time.monotonic() < deadline:
        message = consumer.poll(1)
        if message is not None and message.error() is None:
            values.append(message.value())
    consumer.close()
    assert sorted(values) == sorted(b"%d" % number for number in range(10))
    broker_log = [
        line for line in broker.platform.log().splitlines() if line.startswith("[broker]")
    ]
    assert not [line for line in broker_log if "Traceback" in line], broker_log[-40:]
