"""The platform as a user runs it, for the reliability suite: the embedded stack, the project's
own commands against it (`ksqlmv simulate`, `ksqlmv migrate`), and what a test reads back.

- `Platform` wraps one `EmbeddedStack` (broker, registry, ksqlDB server): it runs `ksqlmv ...`
  subprocesses with the stack's addresses (and credentials) in their environment, reads topics
  and views, and tells when every persistent query has caught up with its input.
- `platform_factory(data_dir, auth=...)` starts one; `fuzz_platform` is a stack shared by the
  bad-input tests, which check afterwards that every service still answers.
- `load_bench` is bench/load.py as a module: the CI load run is the benchmark, shortened.
- `relayed_broker`: a broker every client connection reaches through a `KafkaRelay`, which
  records request frames and can lose an acknowledgement on purpose.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from ksqlmv.demo.plan import server_properties_env
from ksqlmv.local import EmbeddedStack
from ksqlmv.local.contract import LISTENING

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_CONFIG = REPO_ROOT / "ksql" / "ksql-migrations.properties"
PRODUCERS = REPO_ROOT / "producers"
SERVICES = ("broker", "registry", "ksql")
MIGRATION_OBJECTS = ("MIGRATION_EVENTS", "MIGRATION_SCHEMA_VERSIONS")

Record = tuple[bytes | None, bytes | None, int]
"""A record as read back from a topic: key, value and timestamp."""


class Platform:
    """One embedded stack and the project's commands run against it.

    `auth` maps a service (`registry`, `ksql`) to the `(user, password)` it requires; the
    commands get them as `KSQLMV_SCHEMA_REGISTRY_USER`/`_PASSWORD` and `KSQLMV_KSQLDB_USER`/
    `_PASSWORD`, the way a user configures the CLI.
    """

    def __init__(
        self, stack: EmbeddedStack, auth: Mapping[str, tuple[str, str]] | None = None
    ) -> None:
        self.stack = stack
        self.auth = dict(auth or {})
        self.producers = PRODUCERS

    def service_env(self) -> dict[str, str]:
        """What the services are started with: basic auth on the services `auth` names
        (`KSQLMV_REGISTRY_AUTH`, `KSQLMV_KSQLDB_AUTH`) and the server's registry credentials,
        the way an operator configures them; and the demo's server properties."""
        # the demo's server (exactly-once processing), plus properties a test sets
        variables = server_properties_env()
        name = "KSQLMV_KSQL_PROPERTIES"
        variables[name] = f"{variables[name]} {os.environ.get(name, '')}".strip()
        if "registry" in self.auth:
            user, password = self.auth["registry"]
            variables["KSQLMV_REGISTRY_AUTH"] = f"{user}:{password}"
            variables["KSQLMV_SCHEMA_REGISTRY_USER"] = user
            variables["KSQLMV_SCHEMA_REGISTRY_PASSWORD"] = password
        if "ksql" in self.auth:
            variables["KSQLMV_KSQLDB_AUTH"] = ":".join(self.auth["ksql"])
        return variables

    def start(self) -> Platform:
        """Start (or start again, on the same data and ports) every service."""
        variables = self.service_env()
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)  # the supervisor hands its environment to the services
        try:
            self.stack.start()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        return self

    def kill(self, *services: str) -> None:
        """`kill -9` these services at the same moment, then start the stack again."""
        pids = [self.stack.pid(service) for service in services]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        self.stack.stop()  # the supervisor has noticed and stops what is left
        self.start()

    # -- the project's commands --------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        """This environment without any `KSQLMV_*` setting, plus the stack's addresses."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")}
        env.update(
            KSQLMV_BOOTSTRAP_SERVERS=self.stack.bootstrap_servers,
            KSQLMV_SCHEMA_REGISTRY_URL=self.stack.schema_registry_url,
            KSQLMV_KSQLDB_URL=self.stack.ksqldb_url,
        )
        for service, prefix in (("registry", "KSQLMV_SCHEMA_REGISTRY"), ("ksql", "KSQLMV_KSQLDB")):
            if service in self.auth:
                env[f"{prefix}_USER"], env[f"{prefix}_PASSWORD"] = self.auth[service]
        env.update(extra)
        return env

    def command(self, *arguments: str) -> list[str]:
        """`ksqlmv ARGUMENTS` as a process command line."""
        return [sys.executable, "-m", "ksqlmv", *arguments]

    def ksqlmv(
        self, *arguments: str, timeout: float = 180.0, check: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """Run `ksqlmv ARGUMENTS` to the end; fails the test on a non-zero exit if `check`."""
        done = subprocess.run(
            self.command(*arguments),
            cwd=REPO_ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"ksqlmv {' '.join(arguments)} exited {done.returncode}:\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def simulate(
        self, scenario: str, *, seed: int, count: int, rate: float, start: str, timeout: float = 60
    ) -> subprocess.Popen[str]:
        """`ksqlmv simulate SCENARIO` in the background, paced at `rate` from event time `start`."""
        return subprocess.Popen(
            self.command(
                "simulate",
                scenario,
                *("--seed", str(seed), "--count", str(count), "--rate", f"{rate:g}"),
                *("--start", start, "--timeout", f"{timeout:g}"),
                *("--producers-dir", str(PRODUCERS)),
            ),
            cwd=REPO_ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def migrate(
        self, *arguments: str, check: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """`ksqlmv migrate -c ksql/ksql-migrations.properties ARGUMENTS`."""
        return self.ksqlmv("migrate", "-c", str(MIGRATIONS_CONFIG), *arguments, check=check, **env)

    # -- REST --------------------------------------------------------------------------------

    def _http_auth(self, service: str) -> tuple[str, str] | None:
        return self.auth.get(service)

    def ksql(self, sql: str, **properties: str) -> list[dict[str, Any]]:
        """POST /ksql with `properties` as streamsProperties; the entities (fails the test on
        an error status)."""
        response = httpx.post(
            f"{self.stack.ksqldb_url}/ksql",
            json={"ksql": sql, "streamsProperties": properties},
            auth=self._http_auth("ksql"),
            timeout=60,
        )
        assert response.status_code == 200, response.text
        entities: list[dict[str, Any]] = response.json()
        return entities

    def pull(self, sql: str) -> list[str]:
        """A pull query's rows, each as its JSON text, sorted (the order of a scan is free)."""
        response = httpx.post(
            f"{self.stack.ksqldb_url}/query-stream",
            json={"sql": sql},
            auth=self._http_auth("ksql"),
            timeout=60,
        )
        assert response.status_code == 200, f"{sql}: {response.text}"
        return sorted(line for line in response.text.splitlines()[1:] if line.strip())

    def views(self) -> list[str]:
        """Every stream and table a persistent query writes, but the migrations tool's own."""
        (queries,) = self.ksql("SHOW QUERIES;")
        sinks = {sink for query in queries["queries"] for sink in query.get("sinks", [])}
        return sorted(sinks - set(MIGRATION_OBJECTS))

    def contents(self) -> dict[str, list[str]]:
        """Each view's rows now (`SELECT * FROM view;`)."""
        return {view: self.pull(f"SELECT * FROM {view};") for view in self.views()}

    def schema_ids(self) -> dict[str, list[tuple[int, int, str]]]:
        """Every subject's versions: (version, id, schema text)."""
        url, auth = self.stack.schema_registry_url, self._http_auth("registry")
        found: dict[str, list[tuple[int, int, str]]] = {}
        for subject in httpx.get(f"{url}/subjects", auth=auth, timeout=30).json():
            versions = httpx.get(f"{url}/subjects/{subject}/versions", auth=auth, timeout=30)
            found[subject] = []
            for version in versions.json():
                entry = httpx.get(
                    f"{url}/subjects/{subject}/versions/{version}", auth=auth, timeout=30
                ).json()
                found[subject].append((entry["version"], entry["id"], entry["schema"]))
        return found

    # -- Kafka -------------------------------------------------------------------------------

    def topic(self, name: str) -> list[Record]:
        """Every record of topic `name`, partition by partition, in offset order."""
        consumer = Consumer(
            {
                "bootstrap.servers": self.stack.bootstrap_servers,
                "group.id": "reliability-reader",
                "enable.auto.commit": False,
            }
        )
        try:
            metadata = consumer.list_topics(name, timeout=30).topics[name]
            records: list[Record] = []
            for partition in sorted(metadata.partitions):
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(name, partition), timeout=30
                )
                if high <= low:
                    continue
                consumer.assign([TopicPartition(name, partition, low)])
                position = low
                while position < high:
                    message = consumer.poll(10)
                    assert message is not None, f"{name}[{partition}] stalled at {position}"
                    assert message.error() is None, message.error()
                    records.append((message.key(), message.value(), message.timestamp()[1]))
                    position = message.offset() + 1
            return records
        finally:
            consumer.close()

    def wait_for_records(self, topics: list[str], timeout: float) -> None:
        """Until each of `topics` holds at least one record."""
        consumer = Consumer(
            {"bootstrap.servers": self.stack.bootstrap_servers, "group.id": "reliability-wait"}
        )
        deadline = time.monotonic() + timeout
        try:
            for topic in topics:
                while True:
                    with contextlib.suppress(KafkaException):
                        partitions = consumer.list_topics(topic, timeout=10).topics[topic]
                        ends = [
                            consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                            for p in partitions.partitions
                        ]
                        if any(high > 0 for _, high in ends):
                            break
                    assert time.monotonic() < deadline, f"nothing reached {topic}"
                    time.sleep(0.1)
        finally:
            consumer.close()

    def lag(self) -> int:
        """Records of their source topics the persistent queries have not committed yet."""
        bench = bench_load()
        groups = bench.query_topics(self.stack.ksqldb_url, self.auth.get("ksql"))
        return int(bench.lag(self.stack.bootstrap_servers, groups))

    def settle(self, timeout: float = 120.0) -> dict[str, list[str]]:
        """The views' contents once every query has caught up and they stopped changing."""
        deadline = time.monotonic() + timeout
        previous: dict[str, list[str]] | None = None
        while True:
            with contextlib.suppress(KafkaException, httpx.HTTPError):
                if self.lag() == 0:
                    current = self.contents()
                    if current == previous:
                        return current
                    previous = current
            if time.monotonic() > deadline:
                raise AssertionError(f"the views did not settle within {timeout:g} s")
            time.sleep(1.0)

    # -- health ------------------------------------------------------------------------------

    def answers(self) -> dict[str, bool]:
        """Whether each service answers a normal request now."""
        stack = self.stack
        result: dict[str, bool] = {}
        try:
            admin = AdminClient({"bootstrap.servers": stack.bootstrap_servers})
            admin.list_topics(timeout=10)
            result["broker"] = True
        except KafkaException:
            result["broker"] = False
        try:
            registry = httpx.get(
                f"{stack.schema_registry_url}/subjects",
                auth=self._http_auth("registry"),
                timeout=10,
            )
            result["registry"] = registry.status_code == 200
        except httpx.HTTPError:
            result["registry"] = False
        try:
            ksql = httpx.get(f"{stack.ksqldb_url}/info", auth=self._http_auth("ksql"), timeout=10)
            result["ksql"] = ksql.status_code == 200
        except httpx.HTTPError:
            result["ksql"] = False
        return result

    @staticmethod
    def summary_counts(output: str) -> dict[str, tuple[int, int, int]]:
        """`topic -> (sent, acked, failed)` from a `ksqlmv simulate` summary table."""
        counts: dict[str, tuple[int, int, int]] = {}
        for line in output.splitlines():
            parts = line.split()
            if len(parts) == 4 and all(part.isdigit() for part in parts[1:]):
                counts[parts[0]] = (int(parts[1]), int(parts[2]), int(parts[3]))
        return counts

    def log(self) -> str:
        """Everything the services wrote (the supervisor's `local.log`)."""
        return (self.stack.data_dir / "local.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def platform_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Platform]]:
    """`platform_factory(name, auth=..., services=...)`: a started stack of its own, in a new
    temporary folder; stopped when the test module ends."""
    platforms: list[Platform] = []

    def start(
        name: str = "stack",
        *,
        auth: Mapping[str, tuple[str, str]] | None = None,
        services: tuple[str, ...] = SERVICES,
    ) -> Platform:
        stack = EmbeddedStack(services, tmp_path_factory.mktemp(name))
        platform = Platform(stack, auth)
        platforms.append(platform)
        return platform.start()

    yield start
    for platform in reversed(platforms):
        platform.stack.close()


@pytest.fixture(scope="session")
def fuzz_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Broker, registry and ksqlDB server shared by the bad-input tests."""
    stack = EmbeddedStack(SERVICES, tmp_path_factory.mktemp("fuzz-stack"))
    with stack:
        yield Platform(stack)


_BENCH: list[ModuleType] = []


def bench_load() -> ModuleType:
    """bench/load.py, imported as a module (once)."""
    if not _BENCH:
        path = REPO_ROOT / "bench" / "load.py"
        spec = importlib.util.spec_from_file_location("ksqlmv_bench_load", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up by name
        spec.loader.exec_module(module)
        _BENCH.append(module)
    return _BENCH[0]


@pytest.fixture(scope="session")
def load_bench() -> ModuleType:
    """bench/load.py as a module: the load run and the queries' lag."""
    return bench_load()


# -- a broker behind a relay ----------------------------------------------------------------------

PRODUCE = 0


class KafkaRelay:
    """A TCP relay in front of a broker that keeps a copy of every request frame, and can drop
    the answer to the first produce request of one client (`drop_answer_to_first_produce_of`, a
    client id) and cut that connection: the broker has written the batch, the producer never
    hears so."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(listen)
        self.requests: list[bytes] = []
        self.drop_answer_to_first_produce_of: bytes | None = None
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

    def _requests(self, client: socket.socket, broker: socket.socket) -> None:
        while (frame := read_frame(client)) is not None:
            self.requests.append(frame)
            # request header: api key, version, correlation id, client id (int16 length)
            api_key, _, correlation, length = struct.unpack(">hhih", frame[4:14])
            sender = frame[14 : 14 + max(length, 0)]
            doomed = self.drop_answer_to_first_produce_of
            if api_key == PRODUCE and sender == doomed and self.doomed is None:
                self.doomed = correlation
            try:
                broker.sendall(frame)
            except OSError:
                return

    def _responses(self, broker: socket.socket, client: socket.socket) -> None:
        while (frame := read_frame(broker)) is not None:
            (correlation,) = struct.unpack(">i", frame[4:8])
            if correlation == self.doomed and not self.dropped.is_set():
                self.dropped.set()
                for end in (client, broker):
                    cut(end)
                return
            try:
                client.sendall(frame)
            except OSError:
                return

    def close(self) -> None:
        """Stop relaying and close every connection."""
        self.server.close()
        for end in self._sockets:
            cut(end)


def cut(end: socket.socket) -> None:
    """Close a connection now, waking a thread blocked reading it."""
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()


def read_exactly(source: socket.socket, size: int) -> bytes | None:
    """`size` bytes from `source`, or None if it closes (or fails) first."""
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


def read_frame(source: socket.socket) -> bytes | None:
    """One Kafka frame (its 4-byte size included), or None if the connection ends first."""
    head = read_exactly(source, 4)
    if head is None:
        return None
    body = read_exactly(source, struct.unpack(">i", head)[0])
    return None if body is None else head + body


@dataclass
class RelayedBroker:
    """A broker process reached through a relay: clients bootstrap at `bootstrap`."""

    relay: KafkaRelay
    bootstrap: str
    process: subprocess.Popen[str]


@contextlib.contextmanager
def _relayed_broker(data: Path) -> Iterator[RelayedBroker]:
    log = (data / "broker.log").open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "ksqlmv.broker", "--host", "127.0.0.1", "--port", "0"),
            *("--advertised-host", "127.0.0.2", "--data-dir", str(data / "broker")),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    log.close()
    assert process.stdout is not None
    port = None
    for line in process.stdout:
        match = LISTENING.search(line)
        if match:
            port = int(match["port"])
            break
    assert port is not None, (data / "broker.log").read_text()
    relay = KafkaRelay(("127.0.0.2", port), ("127.0.0.1", port))
    try:
        yield RelayedBroker(relay, f"127.0.0.2:{port}", process)
    finally:
        relay.close()
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.fixture
def relayed_broker(tmp_path: Path) -> Iterator[RelayedBroker]:
    """A broker that advertises 127.0.0.2 on its own port, where a `KafkaRelay` forwards to it:
    every connection a client makes, bootstrap or not, goes through the relay."""
    with _relayed_broker(tmp_path) as broker:
        yield broker


@pytest.fixture(scope="module")
def relayed_broker_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayedBroker]:
    """`relayed_broker` for a whole module."""
    with _relayed_broker(tmp_path_factory.mktemp("relayed")) as broker:
        yield broker
