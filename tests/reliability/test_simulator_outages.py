"""The simulators ride out what a crash does to them: an acknowledgement lost with its broker
connection, and a registry that restarts while they run. Every record is written once and the
run finishes.

A lost acknowledgement is made on purpose, not waited for: the broker advertises 127.0.0.2 on
its own port, where a relay forwards everything to it but drops the answer to the simulator's
first produce request and closes that connection. The broker has written the batch; the
producer never hears so and sends it again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition

from ksqlmv.local import EmbeddedStack
from ksqlmv.local.contract import LISTENING

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[2]
PRODUCE = 0


class AckDropper:
    """A TCP relay in front of a broker that swallows the answer to the first produce request
    sent by `client_id`, then cuts that connection; everything else passes through."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int], client_id: str) -> None:
        self.target = target
        self.client_id = client_id.encode()
        self.server = socket.create_server(listen)
        self.doomed: int | None = None  # correlation id whose answer is dropped
        self.dropped = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            broker = socket.create_connection(self.target)
            self._sockets += [client, broker]
            threading.Thread(target=self._requests, args=(client, broker), daemon=True).start()
            threading.Thread(target=self._responses, args=(broker, client), daemon=True).start()

    @staticmethod
    def _frame(source: socket.socket) -> bytes | None:
        head = _exactly(source, 4)
        if head is None:
            return None
        body = _exactly(source, struct.unpack(">i", head)[0])
        return None if body is None else head + body

    def _requests(self, client: socket.socket, broker: socket.socket) -> None:
        while (frame := self._frame(client)) is not None:
            # request header: api key, version, correlation id, client id (int16 length)
            api_key, _, correlation, length = struct.unpack(">hhih", frame[4:14])
            sender = frame[14 : 14 + max(length, 0)]
            if api_key == PRODUCE and sender == self.client_id and self.doomed is None:
                self.doomed = correlation
            try:
                broker.sendall(frame)
            except OSError:
                return

    def _responses(self, broker: socket.socket, client: socket.socket) -> None:
        while (frame := self._frame(broker)) is not None:
            (correlation,) = struct.unpack(">i", frame[4:8])
            if correlation == self.doomed and not self.dropped.is_set():
                self.dropped.set()  # the broker wrote the batch; its producer never hears so
                for end in (client, broker):
                    _cut(end)
                return
            try:
                client.sendall(frame)
            except OSError:
                return

    def close(self) -> None:
        self.server.close()
        for end in self._sockets:
            _cut(end)


def _cut(end: socket.socket) -> None:
    """Close a connection now, waking a thread blocked reading it."""
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()


def _exactly(source: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        try:
            chunk = source.recv(size - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def _start(command: list[str], log: Path) -> tuple[subprocess.Popen[str], str]:
    """A service process and the `HOST:PORT` of its ready line."""
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sink, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        match = LISTENING.search(line)
        if match:
            return process, f"{match['host']}:{match['port']}"
    raise AssertionError(f"{command[2]} did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed when it ends."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _simulate(*arguments: str, bootstrap: str, registry: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")}
    return subprocess.run(
        [sys.executable, "-m", "ksqlmv", "simulate", *arguments],
        cwd=REPO_ROOT,
        env={**env, "KSQLMV_BOOTSTRAP_SERVERS": bootstrap, "KSQLMV_SCHEMA_REGISTRY_URL": registry},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _count(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "outages-count"})
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        return sum(
            high - low
            for low, high in (
                consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
                for p in partitions
            )
        )
    finally:
        consumer.close()


def test_a_batch_whose_acknowledgement_is_lost_is_written_once(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    broker, address = _start(
        [
            *(sys.executable, "-m", "ksqlmv.broker", "--host", "127.0.0.1", "--port", "0"),
            *("--advertised-host", "127.0.0.2", "--data-dir", str(tmp_path / "broker")),
        ],
        tmp_path / "broker.log",
    )
    processes.append(broker)
    port = int(address.rsplit(":", 1)[1])
    relay = AckDropper(("127.0.0.2", port), ("127.0.0.1", port), "ksqlmv-simulate-trading")
    try:
        bootstrap = f"127.0.0.2:{port}"
        with EmbeddedStack(("registry",), tmp_path / "stack", bootstrap_servers=bootstrap) as stack:
            done = _simulate(
                *("trading", "--count", "300", "--rate", "200", "--seed", "5", "--timeout", "30"),
                bootstrap=bootstrap,
                registry=stack.schema_registry_url,
            )
        assert done.returncode == 0, done.stderr
        assert relay.dropped.is_set(), "the relay never saw the simulator's produce request"
        assert "300 sent, 300 acknowledged, 0 failed" in done.stdout, done.stdout
        assert _count(bootstrap, "trades") == 300
    finally:
        relay.close()


def test_simulator_rides_out_a_registry_restart(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    with EmbeddedStack(("broker",), tmp_path / "stack") as stack:
        bootstrap = stack.bootstrap_servers
        registry_command = [
            *(sys.executable, "-m", "ksqlmv.registry", "--host", "127.0.0.1"),
            *("--bootstrap-servers", bootstrap),
        ]
        registry, address = _start([*registry_command, "--port", "0"], tmp_path / "registry.log")
        processes.append(registry)
        port = address.rsplit(":", 1)[1]
        result: dict[str, Any] = {}
        shop = threading.Thread(
            target=lambda: result.update(
                done=_simulate(
                    *("shop", "--count", "300", "--rate", "50", "--seed", "11"),
                    *("--timeout", "30", "--start", "2025-03-03T10:00:00Z"),
                    bootstrap=bootstrap,
                    registry=f"http://127.0.0.1:{port}",
                )
            )
        )
        shop.start()
        # The first customers are out: the run is under way. Its first payment (1.5 s of event
        # time later) needs the registry, which is down until four seconds from now.
        deadline = time.monotonic() + 60
        while not _topic_has_records(bootstrap, "customers"):
            assert time.monotonic() < deadline and shop.is_alive(), result
            time.sleep(0.05)
        registry.send_signal(signal.SIGKILL)
        registry.wait()
        time.sleep(4.0)
        again, _ = _start([*registry_command, "--port", port], tmp_path / "registry-again.log")
        processes.append(again)
        shop.join(120)
        done = result["done"]
        assert done.returncode == 0, done.stderr
        assert "300 sent, 300 acknowledged, 0 failed" in done.stdout, done.stdout
        assert _count(bootstrap, "payments") > 0


def _topic_has_records(bootstrap: str, topic: str) -> bool:
    try:
        return _count(bootstrap, topic) > 0
    except Exception:  # not created yet
        return False
