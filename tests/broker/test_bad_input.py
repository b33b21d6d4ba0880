"""Bad input over a raw socket: each gets the protocol's answer or closes only its connection.

After every case a normal client (confluent-kafka) still produces and consumes, and a connection
opened before the bad input still gets answers.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kio.index import load_request_schema, load_response_schema
from kio.schema.errors import ErrorCode
from kio.serial import entity_reader, entity_writer

from ksqlmv.broker.records import encode_batch

pytestmark = pytest.mark.integration


class Wire:
    """A raw Kafka connection: frames in, frames out, decoded with kio."""

    def __init__(self, bootstrap: str) -> None:
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.correlation = 0

    def close(self) -> None:
        self.sock.close()

    def send_frame(self, payload: bytes, size: int | None = None) -> None:
        self.sock.sendall(struct.pack(">i", len(payload) if size is None else size) + payload)

    def request_bytes(self, api_key: int, version: int, body: Any) -> bytes:
        schema = load_request_schema(api_key, version)
        header_cls = schema.__header_schema__
        buffer = io.BytesIO()
        self.correlation += 1
        header = header_cls(
            request_api_key=api_key,
            request_api_version=version,
            correlation_id=self.correlation,
            client_id="raw-test",
        )
        entity_writer(header_cls)(buffer, header)
        entity_writer(schema)(buffer, body)
        return buffer.getvalue()

    def receive(self) -> bytes:
        """One response frame; b"" when the broker closed the connection."""
        head = self._exactly(4)
        if len(head) < 4:
            return b""
        return self._exactly(struct.unpack(">i", head)[0])

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                return data
            data += chunk
        return data

    def call(self, api_key: int, version: int, body: Any) -> Any:
        self.send_frame(self.request_bytes(api_key, version, body))
        return self.decode(api_key, version, self.receive())

    @staticmethod
    def decode(api_key: int, version: int, frame: bytes) -> Any:
        schema = load_response_schema(api_key, version)
        _, header_size = entity_reader(schema.__header_schema__)(frame, 0)
        body, _ = entity_reader(schema)(frame, header_size)
        return body


def _module(api_key: int, version: int) -> Any:
    import sys

    return sys.modules[load_request_schema(api_key, version).__module__]


def _metadata_v1(topics: list[str] | None) -> Any:
    module = _module(3, 1)
    entries = None if topics is None else tuple(module.MetadataRequestTopic(name=t) for t in topics)
    return module.MetadataRequest(topics=entries)


def _produce_v8(topic: str, partition: int, records: bytes) -> Any:
    module = _module(0, 8)
    return module.ProduceRequest(
        transactional_id=None,
        acks=-1,
        timeout=dt.timedelta(seconds=5),
        topic_data=(
            module.TopicProduceData(
                name=topic,
                partition_data=(module.PartitionProduceData(index=partition, records=records),),
            ),
        ),
    )


def _fetch_v11(topic: str, offset: int) -> Any:
    module = _module(1, 11)
    return module.FetchRequest(
        max_wait=dt.timedelta(milliseconds=10),
        min_bytes=1,
        max_bytes=1 << 20,
        isolation_level=0,
        session_id=0,
        session_epoch=-1,
        topics=(
            module.FetchTopic(
                topic=topic,
                partitions=(
                    module.FetchPartition(
                        partition=0, fetch_offset=offset, partition_max_bytes=1 << 20
                    ),
                ),
            ),
        ),
        forgotten_topics_data=(),
    )


def _batch(value: bytes = b"v") -> bytearray:
    return bytearray(encode_batch([(b"k", value, [], int(time.time() * 1000))]))


def _corrupt_crc() -> bytes:
    batch = _batch()
    batch[-1] ^= 0xFF  # a record byte changes: the CRC no longer matches
    return bytes(batch)


def _magic_one() -> bytes:
    batch = _batch()
    batch[16] = 1
    return bytes(batch)


def _produce_error(wire: Wire, topic: str, partition: int, records: bytes) -> int:
    response = wire.call(0, 8, _produce_v8(topic, partition, records))
    return int(response.responses[0].partition_responses[0].error_code)


# name -> (what to do on the socket; the Kafka error code expected in the answer)
ANSWERED: dict[str, tuple[Callable[[Wire, str], int], int]] = {
    "produce to a partition that does not exist": (
        lambda wire, topic: _produce_error(wire, topic, 7, bytes(_batch())),
        ErrorCode.unknown_topic_or_partition,
    ),
    "produce a batch whose CRC is wrong": (
        lambda wire, topic: _produce_error(wire, topic, 0, _corrupt_crc()),
        ErrorCode.corrupt_message,
    ),
    "produce a batch of magic 1": (
        lambda wire, topic: _produce_error(wire, topic, 0, _magic_one()),
        ErrorCode.corrupt_message,
    ),
    "produce a truncated batch": (
        lambda wire, topic: _produce_error(wire, topic, 0, bytes(_batch())[:40]),
        ErrorCode.corrupt_message,
    ),
    "produce a batch over max.message.bytes": (
        lambda wire, topic: _produce_error(wire, topic, 0, bytes(_batch(b"x" * 1_100_000))),
        ErrorCode.message_too_large,
    ),
    "produce to an illegal topic name": (
        lambda wire, topic: _produce_error(wire, "no spaces allowed", 0, bytes(_batch())),
        ErrorCode.invalid_topic_exception,
    ),
    "fetch past the end of the log": (
        lambda wire, topic: int(
            wire.call(1, 11, _fetch_v11(topic, 10_000)).responses[0].partitions[0].error_code
        ),
        ErrorCode.offset_out_of_range,
    ),
    "metadata for a topic that does not exist (auto-created)": (
        lambda wire, topic: int(
            wire.call(3, 1, _metadata_v1([topic + "-new"])).topics[0].error_code
        ),
        ErrorCode.none,
    ),
}

# name -> frame bytes (size prefix included); the broker must close the connection
CLOSED: dict[str, Callable[[Wire], bytes]] = {
    "oversized frame": lambda wire: struct.pack(">i", 200 * 1024 * 1024) + b"\0" * 16,
    "negative frame size": lambda wire: struct.pack(">i", -5),
    "frame too short for a header": lambda wire: struct.pack(">i", 3) + b"\0\0\0",
    "malformed Metadata body": lambda wire: _with_size(
        wire.request_bytes(3, 1, _metadata_v1(["t"]))[:-3] + b"\xff\xff\xff\xff\xff"
    ),
    "truncated Produce body": lambda wire: _with_size(
        wire.request_bytes(0, 8, _produce_v8("t", 0, bytes(_batch())))[:30]
    ),
}


def _with_size(payload: bytes) -> bytes:
    return struct.pack(">i", len(payload)) + payload


@pytest.fixture
def topic(bootstrap: str, confluent: Any, unique: Any) -> str:
    name = unique("bad-input")
    confluent.create_topic(bootstrap, name, 1, {})
    return name


@pytest.fixture
def still_works(bootstrap: str, confluent: Any, unique: Any) -> Callable[[], None]:
    """A normal client round trip, plus an older connection that still gets answers."""
    older = Wire(bootstrap)
    older.call(18, 0, _module(18, 0).ApiVersionsRequest())

    def check() -> None:
        name = unique("after-bad-input")
        records = [(b"k%d" % i, b"v%d" % i, (), None) for i in range(10)]
        confluent.produce(bootstrap, name, records)
        assert [g.value for g in confluent.consume(bootstrap, name, 10)] == [r[1] for r in records]
        assert older.call(3, 1, _metadata_v1([name])).topics[0].name == name
        older.close()

    return check


@pytest.mark.parametrize("case", sorted(ANSWERED))
def test_bad_request_gets_its_error_code(
    case: str, bootstrap: str, topic: str, still_works: Callable[[], None]
) -> None:
    action, expected = ANSWERED[case]
    wire = Wire(bootstrap)
    assert action(wire, topic) == expected
    # the same connection goes on serving
    assert wire.call(3, 1, _metadata_v1([topic])).topics[0].error_code == ErrorCode.none
    wire.close()
    still_works()


@pytest.mark.parametrize(("api_key", "version"), [(999, 0), (3, 99), (0, 2), (68, 0)], ids=str)
def test_unknown_api_or_version_gets_unsupported_version(
    api_key: int, version: int, bootstrap: str, still_works: Callable[[], None]
) -> None:
    wire = Wire(bootstrap)
    wire.send_frame(struct.pack(">hhi", api_key, version, 77) + b"\0\xff" + b"junk")
    answer = wire.receive()
    correlation_id, error_code = struct.unpack(">ih", answer[:6])
    assert (correlation_id, error_code) == (77, ErrorCode.unsupported_version)
    assert wire.call(3, 1, _metadata_v1([])).brokers  # the connection stays usable
    wire.close()
    still_works()


def test_api_versions_of_an_unsupported_version_answers_v0_with_the_list(
    bootstrap: str, still_works: Callable[[], None]
) -> None:
    wire = Wire(bootstrap)
    wire.send_frame(struct.pack(">hhi", 18, 42, 5) + b"\0\x04test\0")
    answer = Wire.decode(18, 0, wire.receive())
    assert answer.error_code == ErrorCode.unsupported_version
    versions = {entry.api_key: (entry.min_version, entry.max_version) for entry in answer.api_keys}
    assert versions[18] == (0, 3)
    assert versions[0] == (3, 8)
    wire.close()
    still_works()


@pytest.mark.parametrize("case", sorted(CLOSED))
def test_bad_frame_closes_only_its_connection(
    case: str, bootstrap: str, embedded_broker: Any, still_works: Callable[[], None]
) -> None:
    log = Path(embedded_broker.data_dir, "local.log")

    def closings() -> int:
        return log.read_text().count("closing connection from")

    before = closings()
    wire = Wire(bootstrap)
    wire.sock.sendall(CLOSED[case](wire))
    assert wire.receive() == b"", "the broker should close the connection"
    wire.close()
    still_works()
    deadline = time.monotonic() + 5
    while closings() == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert closings() == before + 1, "one log line says why the connection was closed"
