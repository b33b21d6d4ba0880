"""Fixtures for the migrations tests that run against the embedded stack.

`ksql_stack` is one embedded stack (broker, registry, ksqlDB server) for the session, with the
platform's Avro schemas registered and its topics created, as the platform migrations ASSERT them.
`project` makes a small migrations project of its own on that stack: its metadata stream and
table and every object its files create carry a unique prefix, so tests share the server safely.

The tests that use them skip, saying why, in a build without the embedded ksqlDB server.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ksqlmv.cli import cli
from ksqlmv.client import KsqlClient

PLATFORM_TOPICS = (
    "customers",
    "products",
    "orders",
    "payments",
    "shipments",
    "app_events",
    "trades",
)


def _missing_stack() -> str | None:
    try:
        runnable = importlib.util.find_spec("ksqlmv.server.__main__") is not None
    except ImportError:
        runnable = False
    if not runnable:
        return "the embedded ksqlDB server (python -m ksqlmv.server) is not in this build yet"
    try:
        importlib.import_module("ksqlmv.local").EmbeddedStack  # noqa: B018
    except (ImportError, AttributeError):
        return "ksqlmv.local.EmbeddedStack is not in this build yet"
    return None


def create_topics(bootstrap_servers: str, names: tuple[str, ...], partitions: int = 1) -> None:
    """Create topics with confluent-kafka's AdminClient (existing ones are fine)."""
    from confluent_kafka.admin import AdminClient
    from confluent_kafka.cimpl import NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    futures = admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    for future in futures.values():
        try:
            future.result(timeout=30)
        except Exception as error:
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise


def register_schemas(registry_url: str, folder: Path) -> list[str]:
    """Register every `<subject>.avsc` of a folder with the Schema Registry client."""
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    subjects = []
    with SchemaRegistryClient({"url": registry_url}) as registry:
        for path in sorted(folder.glob("*.avsc")):
            registry.register_schema(path.stem, Schema(path.read_text(), "AVRO"))
            subjects.append(path.stem)
    return subjects


@pytest.fixture(scope="session")
def ksql_stack(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[Any]:
    """The embedded stack with the platform's schemas and topics in place."""
    reason = _missing_stack()
    if reason:
        pytest.skip(reason)
    stack_type = importlib.import_module("ksqlmv.local").EmbeddedStack
    stack = stack_type(
        services=("broker", "registry", "ksql"), data_dir=tmp_path_factory.mktemp("stack")
    )
    with stack:
        register_schemas(stack.schema_registry_url, repo_root / "schemas")
        create_topics(stack.bootstrap_servers, PLATFORM_TOPICS)
        yield stack


@dataclass
class Project:
    """A migrations project on the shared stack, driven through `ksqlmv migrate`."""

    root: Path
    url: str
    prefix: str
    bootstrap_servers: str
    config_text: str | None = None
    """The configuration file's text; by default one with prefixed metadata names."""
    config: Path = field(init=False)

    def __post_init__(self) -> None:
        self.config = self.root / "ksql-migrations.properties"
        (self.root / "migrations").mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            self.config_text
            or f"ksql.server.url={self.url}\n"
            f"ksql.migrations.stream.name={self.prefix}_EVENTS\n"
            f"ksql.migrations.table.name={self.prefix}_VERSIONS\n"
        )

    @property
    def stream(self) -> str:
        return f"{self.prefix}_EVENTS"

    @property
    def table(self) -> str:
        return f"{self.prefix}_VERSIONS"

    def write(self, version: int, description: str, text: str, *, down: bool = False) -> Path:
        """Write a migration file; `{p}` in the text becomes the project's prefix."""
        letter = "U" if down else "V"
        path = self.root / "migrations" / f"{letter}{version:06d}__{description}.sql"
        path.write_text(text.replace("{p}", self.prefix))
        return path

    def invoke(self, *args: str, expect: int | None = 0) -> Result:
        """Run `ksqlmv migrate -c CONFIG ARGS...` in this process."""
        result = CliRunner().invoke(cli, ["migrate", "-c", str(self.config), *args])
        if expect is not None:
            assert result.exit_code == expect, (result.output, result.exception)
        return result

    def invoke_json(self, *args: str, expect: int | None = 0) -> list[dict[str, Any]]:
        """Like `invoke` with `--json`; the JSON lines of its output."""
        result = self.invoke("--json", *args, expect=expect)
        return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        """Start `ksqlmv migrate` as its own process (for concurrency and kill tests)."""
        return subprocess.Popen(
            [sys.executable, "-m", "ksqlmv", "migrate", "-c", str(self.config), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def client(self) -> KsqlClient:
        return KsqlClient(self.url)

    def rows(self) -> dict[str, dict[str, Any]]:
        """Every metadata row, by version key, read with a pull query (table scan)."""
        with self.client() as client:
            result = client.pull(f"SELECT * FROM {self.table};")
        return {str(row["VERSION_KEY"]): row for row in result.as_dicts()}

    def info(self) -> dict[str, Any]:
        """`info --json`'s result object."""
        (result,) = [e for e in self.invoke_json("info") if e["kind"] == "result"]
        return result

    def states(self) -> dict[int, str]:
        """Version to state, from `info`."""
        return {m["version"]: m["state"] for m in self.info()["migrations"]}

    def sources(self) -> set[str]:
        """Names of the streams and tables this project's migrations made (metadata excluded)."""
        with self.client() as client:
            names = [s["name"] for s in client.list_streams() + client.list_tables()]
        return {n for n in names if n.startswith(self.prefix)} - {self.stream, self.table}

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.1)


@pytest.fixture
def make_project(ksql_stack: Any, tmp_path: Path) -> Callable[..., Project]:
    """`make_project(name, config_text=None, stack=None)`: a project folder on the shared stack
    (or on `stack`)."""

    def make(name: str = "project", config_text: str | None = None, stack: Any = None) -> Project:
        on = stack or ksql_stack
        return Project(
            tmp_path / name,
            on.ksqldb_url,
            f"T{uuid.uuid4().hex[:10].upper()}",
            on.bootstrap_servers,
            config_text,
        )

    return make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Iterator[Project]:
    """A fresh project (metadata initialized) with a unique prefix on the shared stack."""
    made = make_project()
    made.invoke("initialize-metadata")
    yield made
    shutil.rmtree(made.root, ignore_errors=True)


class Relay:
    """A TCP relay to the ksqlDB server that holds back a request containing `marker`.

    Clients that go through it work as usual until they send the marker (a statement's text):
    from then on that connection's bytes wait in the relay until `release()`. This parks an
    apply in the middle of a file, deterministically, with the real server on the other side.
    """

    def __init__(self, target: str, marker: bytes) -> None:
        host, port = target.removeprefix("http://").rsplit(":", 1)
        self.target = (host, int(port))
        self.marker = marker
        self.held = threading.Event()
        self.released = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, watch: bool) -> None:
        tail = b""
        try:
            while data := source.recv(65536):
                if watch and not self.released.is_set() and self.marker in tail + data:
                    self.held.set()
                    self.released.wait()
                tail = data[-len(self.marker) :]
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        """Close every connection; a request still held back is dropped, never delivered."""
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self.released.set()


@pytest.fixture
def relay_factory(ksql_stack: Any) -> Iterator[Callable[[bytes], Relay]]:
    """`relay_factory(marker)`: a `Relay` to the shared stack's ksqlDB server."""
    relays: list[Relay] = []

    def make(marker: bytes) -> Relay:
        relays.append(Relay(ksql_stack.ksqldb_url, marker))
        return relays[-1]

    yield make
    for relay in relays:
        relay.close()
