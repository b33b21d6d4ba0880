"""Shared pieces of the broker tests: Kafka clients behind one interface, and broker processes.

The client suite (test_client_suite.py) runs the same tests through three independent clients:
confluent-kafka (librdkafka), aiokafka (pure Python) and kcat (the Debian command-line client,
librdkafka 2.0). Each is wrapped in a `Client` with the same methods; what a client cannot do
(kcat has no admin API and cannot set timestamps) is declared, and the suite skips only that.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

LIBRDKAFKA_LOG = logging.getLogger("librdkafka")
LISTENING = re.compile(r"listening on (\S+):(\d+)")
FAST_GROUP = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 300}


# A record to produce: (key, value, headers, timestamp or None to let the client stamp it).
Rec = tuple[bytes | None, bytes | None, tuple[tuple[str, bytes | None], ...], int | None]


class Got(NamedTuple):
    """A consumed record."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    timestamp: int


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """`unique("prefix")` -> a topic or group name no other test uses."""
    return _unique


@pytest.fixture
def wait_until() -> Callable[[Callable[[], bool], float, str], None]:
    """`wait_until(condition, timeout, what)`: poll until true, else fail naming `what`."""
    return _wait_until


# -- confluent-kafka ---------------------------------------------------------------------------


def rdkafka(bootstrap: str, **extra: Any) -> dict[str, Any]:
    return {"bootstrap.servers": bootstrap, "logger": LIBRDKAFKA_LOG, **extra}


class GroupMember:
    """One consumer of a group, polling in its own thread, committing what it processed."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> GroupMember:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

    def run(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ConfluentMember(GroupMember):
    def __init__(self, bootstrap: str, topic: str, group: str) -> None:
        super().__init__()
        self.config = rdkafka(
            bootstrap,
            **{"group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False},
            **FAST_GROUP,
        )
        self.topic = topic

    def run(self) -> None:
        consumer = Consumer(self.config)

        def revoked(consumer: Consumer, partitions: list[TopicPartition]) -> None:
            # everything returned by earlier polls is processed: commit it before giving it up
            with contextlib.suppress(KafkaException):  # raised when nothing was consumed yet
                consumer.commit(asynchronous=False)

        consumer.subscribe([self.topic], on_assign=lambda c, p: self.ready.set(), on_revoke=revoked)
        while not self._stop.is_set():
            for message in consumer.consume(500, 0.2):
                if message.error() is None:
                    self.seen.append((message.partition(), message.offset()))
        revoked(consumer, [])
        consumer.close()


class ConfluentClient:
    name = "confluent-kafka"
    codecs = ("none", "gzip", "snappy", "lz4", "zstd")
    can_admin = True
    sets_timestamps = True
    binary_safe = True

    def create_topic(self, bootstrap: str, topic: str, partitions: int, configs: dict[str, str]):
        admin = AdminClient(rdkafka(bootstrap))
        new = NewTopic(topic, num_partitions=partitions, config=configs)
        admin.create_topics([new])[topic].result(15)

    def list_topics(self, bootstrap: str) -> set[str]:
        return set(AdminClient(rdkafka(bootstrap)).list_topics(timeout=10).topics)

    def partitions(self, bootstrap: str, topic: str) -> int:
        metadata = AdminClient(rdkafka(bootstrap)).list_topics(topic, timeout=10)
        return len(metadata.topics[topic].partitions)

    def delete_topic(self, bootstrap: str, topic: str) -> None:
        admin = AdminClient(rdkafka(bootstrap))  # kept alive until the future resolves
        admin.delete_topics([topic])[topic].result(15)

    def produce(
        self,
        bootstrap: str,
        topic: str,
        records: Sequence[Rec],
        *,
        partition: int | None = 0,
        compression: str = "none",
        idempotent: bool = False,
    ) -> None:
        producer = Producer(
            rdkafka(
                bootstrap,
                **{"compression.codec": compression, "enable.idempotence": idempotent},
            )
        )
        failures: list[str] = []

        def delivered(error: Any, message: Any) -> None:
            if error is not None:
                failures.append(str(error))

        for key, value, headers, timestamp in records:
            kwargs: dict[str, Any] = {
                "key": key,
                "value": value,
                "headers": list(headers),
                "on_delivery": delivered,
            }
            if partition is not None:
                kwargs["partition"] = partition
            if timestamp is not None:
                kwargs["timestamp"] = timestamp
            producer.produce(topic, **kwargs)
        assert producer.flush(30) == 0
        assert not failures, failures

    def consume(
        self, bootstrap: str, topic: str, count: int, group: str | None = None
    ) -> list[Got]:
        consumer = Consumer(
            rdkafka(
                bootstrap,
                **{"group.id": group or _unique("reader"), "auto.offset.reset": "earliest"},
                **FAST_GROUP,
            )
        )
        consumer.subscribe([topic])
        got: list[Got] = []
        deadline = time.monotonic() + 30
        while len(got) < count and time.monotonic() < deadline:
            for message in consumer.consume(count - len(got), 0.5):
                assert message.error() is None, message.error()
                got.append(
                    Got(
                        message.partition(),
                        message.offset(),
                        message.key(),
                        message.value(),
                        tuple(message.headers() or ()),
                        message.timestamp()[1],
                    )
                )
        if group is not None:
            consumer.commit(asynchronous=False)
        consumer.close()
        return got

    def member(self, bootstrap: str, topic: str, group: str) -> GroupMember:
        return ConfluentMember(bootstrap, topic, group)


# -- aiokafka ----------------------------------------------------------------------------------


class AiokafkaMember(GroupMember):
    def __init__(self, bootstrap: str, topic: str, group: str) -> None:
        super().__init__()
        self.bootstrap, self.topic, self.group = bootstrap, topic, group

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener

        member = self

        class Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: Any) -> None:
                await consumer.commit()

            async def on_partitions_assigned(self, assigned: Any) -> None:
                member.ready.set()

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            session_timeout_ms=6000,
            heartbeat_interval_ms=300,
        )
        consumer.subscribe([self.topic], listener=Listener())
        await consumer.start()
        try:
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for messages in batches.values():
                    self.seen.extend((m.partition, m.offset) for m in messages)
                if batches:
                    await consumer.commit()
        finally:
            await consumer.commit()
            await consumer.stop()


class AiokafkaClient:
    name = "aiokafka"
    codecs = ("none", "gzip", "snappy", "lz4", "zstd")
    can_admin = True
    sets_timestamps = True
    binary_safe = True

    def _admin(self, bootstrap: str, work: Callable[[Any], Any]) -> Any:
        from aiokafka.admin import AIOKafkaAdminClient

        async def run() -> Any:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
            await admin.start()
            try:
                return await work(admin)
            finally:
                await admin.close()

        return asyncio.run(run())

    def create_topic(self, bootstrap: str, topic: str, partitions: int, configs: dict[str, str]):
        from aiokafka.admin import NewTopic as AioNewTopic

        new = AioNewTopic(topic, partitions, 1, topic_configs=configs)
        self._admin(bootstrap, lambda admin: admin.create_topics([new]))

    def list_topics(self, bootstrap: str) -> set[str]:
        return set(self._admin(bootstrap, lambda admin: admin.list_topics()))

    def partitions(self, bootstrap: str, topic: str) -> int:
        described = self._admin(bootstrap, lambda admin: admin.describe_topics([topic]))
        return len(described[0]["partitions"])

    def delete_topic(self, bootstrap: str, topic: str) -> None:
        self._admin(bootstrap, lambda admin: admin.delete_topics([topic]))

    def produce(
        self,
        bootstrap: str,
        topic: str,
        records: Sequence[Rec],
        *,
        partition: int | None = 0,
        compression: str = "none",
        idempotent: bool = False,
    ) -> None:
        from aiokafka import AIOKafkaProducer

        async def run() -> None:
            producer = AIOKafkaProducer(
                bootstrap_servers=bootstrap,
                compression_type=None if compression == "none" else compression,
                enable_idempotence=idempotent,
                acks="all",
            )
            await producer.start()
            try:
                futures = [
                    await producer.send(
                        topic,
                        value=value,
                        key=key,
                        partition=partition,
                        timestamp_ms=timestamp,
                        headers=list(headers),
                    )
                    for key, value, headers, timestamp in records
                ]
                await asyncio.gather(*futures)
            finally:
                await producer.stop()

        asyncio.run(run())

    def consume(
        self, bootstrap: str, topic: str, count: int, group: str | None = None
    ) -> list[Got]:
        from aiokafka import AIOKafkaConsumer

        async def run() -> list[Got]:
            consumer = AIOKafkaConsumer(
                topic,
                bootstrap_servers=bootstrap,
                group_id=group or _unique("reader"),
                auto_offset_reset="earliest",
                enable_auto_commit=False,
                session_timeout_ms=6000,
                heartbeat_interval_ms=300,
            )
            await consumer.start()
            got: list[Got] = []
            try:
                deadline = time.monotonic() + 30
                while len(got) < count and time.monotonic() < deadline:
                    batches = await consumer.getmany(timeout_ms=500)
                    for messages in batches.values():
                        got.extend(
                            Got(
                                m.partition, m.offset, m.key, m.value, tuple(m.headers), m.timestamp
                            )
                            for m in messages
                        )
                if group is not None:
                    await consumer.commit()
            finally:
                await consumer.stop()
            return got

        return asyncio.run(run())

    def member(self, bootstrap: str, topic: str, group: str) -> GroupMember:
        return AiokafkaMember(bootstrap, topic, group)


# -- kcat --------------------------------------------------------------------------------------


class KcatMember(GroupMember):
    def __init__(self, bootstrap: str, topic: str, group: str) -> None:
        super().__init__()
        self.command = [
            "kcat", "-b", bootstrap, "-G", group, "-J", "-u", "-q",
            "-X", "auto.offset.reset=earliest",
            "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=300",
            topic,
        ]  # fmt: skip
        self.process: subprocess.Popen[str] | None = None

    def run(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self.ready.set()
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                message = json.loads(line)
                self.seen.append((message["partition"], message["offset"]))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # kcat closes the consumer: commit + leave
            self.process.wait(30)
        super().stop()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


class KcatClient:
    name = "kcat"
    codecs = ("none", "gzip", "snappy", "lz4", "zstd")
    can_admin = False
    sets_timestamps = False
    binary_safe = False  # kcat reads records as delimited text lines

    def list_topics(self, bootstrap: str) -> set[str]:
        output = subprocess.run(
            ["kcat", "-b", bootstrap, "-L", "-J"], capture_output=True, text=True, check=True
        ).stdout
        return {topic["topic"] for topic in json.loads(output)["topics"]}

    def partitions(self, bootstrap: str, topic: str) -> int:
        output = subprocess.run(
            ["kcat", "-b", bootstrap, "-L", "-J", "-t", topic],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return len(json.loads(output)["topics"][0]["partitions"])

    def produce(
        self,
        bootstrap: str,
        topic: str,
        records: Sequence[Rec],
        *,
        partition: int | None = 0,
        compression: str = "none",
        idempotent: bool = False,
    ) -> None:
        # one kcat run per distinct header set: -H applies to every record of a run
        runs: dict[tuple[tuple[str, bytes | None], ...], list[Rec]] = {}
        for record in records:
            runs.setdefault(record[2], []).append(record)
        for headers, batch in runs.items():
            command = ["kcat", "-b", bootstrap, "-P", "-t", topic, "-K", "\t", "-Z"]
            command += ["-p", str(partition if partition is not None else -1)]
            command += ["-X", f"compression.codec={compression}"]
            command += ["-X", f"enable.idempotence={str(idempotent).lower()}"]
            for name, value in headers:
                command += ["-H", f"{name}={(value or b'').decode()}"]
            lines = [
                f"{(key or b'').decode()}\t{(value or b'').decode()}\n" for key, value, *_ in batch
            ]
            subprocess.run(command, input="".join(lines), text=True, check=True, timeout=60)

    def consume(
        self, bootstrap: str, topic: str, count: int, group: str | None = None
    ) -> list[Got]:
        if group is None:
            command = ["kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning"]
        else:  # a group member: starts at the committed offsets, commits when it exits
            command = ["kcat", "-b", bootstrap, "-G", group, "-X", "auto.offset.reset=earliest"]
            command += ["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=300"]
        command += ["-J", "-c", str(count), "-e", "-q"] + ([topic] if group else [])
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
        got = []
        for line in output.stdout.splitlines():
            message = json.loads(line)
            headers = message.get("headers") or []
            pairs = tuple(
                (headers[i], None if headers[i + 1] is None else headers[i + 1].encode())
                for i in range(0, len(headers), 2)
            )
            got.append(
                Got(
                    message["partition"],
                    message["offset"],
                    None if message["key"] is None else message["key"].encode(),
                    None if message["payload"] is None else message["payload"].encode(),
                    pairs,
                    message["ts"],
                )
            )
        return got

    def member(self, bootstrap: str, topic: str, group: str) -> GroupMember:
        return KcatMember(bootstrap, topic, group)


CLIENTS: dict[str, Callable[[], Any]] = {
    "confluent": ConfluentClient,
    "aiokafka": AiokafkaClient,
    "kcat": KcatClient,
}


@pytest.fixture(params=sorted(CLIENTS))
def client(request: pytest.FixtureRequest) -> Any:
    """Each Kafka client in turn; kcat skips (with the reason) where it is not installed."""
    if request.param == "kcat" and shutil.which("kcat") is None:
        pytest.skip("kcat is not installed (run .ci/install-tools as root)")
    return CLIENTS[request.param]()


@pytest.fixture
def confluent() -> ConfluentClient:
    return ConfluentClient()


@pytest.fixture
def bootstrap(embedded_broker: Any) -> str:
    """The session broker's address."""
    return str(embedded_broker.bootstrap_servers)


# -- broker processes with extra flags ---------------------------------------------------------


@dataclass
class BrokerProcess:
    """`python -m ksqlmv.broker` run directly, for flags `ksqlmv local` does not expose."""

    data_dir: Path
    flags: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen[str] | None = None
    log: list[str] = field(default_factory=list)
    drain: threading.Thread | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> BrokerProcess:
        command = [sys.executable, "-m", "ksqlmv.broker", "--port", str(self.port)]
        command += ["--data-dir", str(self.data_dir), *self.flags]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            match = LISTENING.search(line)
            if match:
                self.port = int(match[2])
                break
        else:
            raise AssertionError(f"broker did not start: {''.join(self.log)}")
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        return self

    def _drain(self) -> None:
        process = self.process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            self.log.append(line)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(30)
        if self.drain is not None:
            self.drain.join(10)  # it reads to the end of the output, then stops
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        return code


@pytest.fixture
def broker_process(tmp_path: Path) -> Iterator[Callable[..., BrokerProcess]]:
    """`start(*flags, data_dir=...)` -> a running broker process, stopped after the test."""
    started: list[BrokerProcess] = []

    def start(*flags: str, data_dir: Path | None = None) -> BrokerProcess:
        broker = BrokerProcess(data_dir or tmp_path / f"broker{len(started)}", flags).start()
        started.append(broker)
        return broker

    yield start
    for broker in started:
        if broker.process is not None:
            broker.stop(signal.SIGKILL)
