"""`ksqlmv local`: one ready line, clean stops, and one-line reports of what went wrong."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import re
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from ksqlmv.errors import ConfigError, KsqlmvError
from ksqlmv.local import EmbeddedStack
from ksqlmv.local import services as services_module
from ksqlmv.local.services import ServiceSpec, StackPlan
from ksqlmv.local.supervisor import Supervisor

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")
READY = re.compile(r"^ksqlmv local ready: broker=127\.0\.0\.1:(\d+)$")


def _round_trip(bootstrap: str) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "logger": LOG})
    producer.produce("supervised", b"hello", partition=0)
    assert producer.flush(15) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "s", "logger": LOG})
    consumer.assign([TopicPartition("supervised", 0, 0)])
    message = consumer.poll(10)
    assert message is not None and message.value() == b"hello"
    consumer.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ready_line_then_a_clean_stop(
    signum: int, local_run: Callable[..., Any], alive: Callable[[int], bool]
) -> None:
    run = local_run("--services", "broker", "--kafka-port", "0")
    match = READY.match(run.ready_line())
    assert match, "the ready line names the broker's real address"
    port = int(match[1])
    assert port != 0
    _round_trip(f"127.0.0.1:{port}")
    pid = json.loads((run.data_dir / "local.json").read_text())["broker"]["pid"]
    assert run.signal(signum) == 0
    assert run.rest_of_stdout == "", "one line on stdout, nothing else"
    assert not alive(pid)
    assert not (run.data_dir / "local.json").exists()


def test_a_port_in_use_is_one_line_naming_port_flag_and_holder(
    local_run: Callable[..., Any],
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        run = local_run("--services", "broker", "--kafka-port", str(port))
        assert run.wait() == 2
    lines = run.stderr().strip().splitlines()
    assert lines == [
        f"Error: port {port} is already in use by pid {os.getpid()} "
        f"({Path(f'/proc/{os.getpid()}/comm').read_text().strip()}); "
        "choose another with --kafka-port"
    ]


def test_a_dead_service_is_reported_and_the_supervisor_fails(
    local_run: Callable[..., Any],
) -> None:
    run = local_run("--services", "broker", "--kafka-port", "0")
    assert READY.match(run.ready_line())
    pid = json.loads((run.data_dir / "local.json").read_text())["broker"]["pid"]
    os.kill(pid, signal.SIGKILL)
    assert run.wait() != 0
    assert run.stderr().strip().splitlines()[-1] == "Error: broker was killed by signal 9"


def test_another_host_prints_a_warning(local_run: Callable[..., Any]) -> None:
    run = local_run("--services", "broker", "--kafka-port", "0", "--host", "127.0.0.2")
    line = run.ready_line()
    assert re.match(r"^ksqlmv local ready: broker=127\.0\.0\.2:\d+$", line)
    assert "warning: binding 127.0.0.2" in run.stderr()
    assert run.signal(signal.SIGTERM) == 0


def test_services_die_with_a_killed_supervisor(
    local_run: Callable[..., Any], alive: Callable[[int], bool]
) -> None:
    run = local_run("--services", "broker", "--kafka-port", "0")
    run.ready_line()
    pid = json.loads((run.data_dir / "local.json").read_text())["broker"]["pid"]
    run.process.kill()
    run.wait()
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)


MISSING = ServiceSpec("broker", "ksqlmv.no_such_module", "--kafka-port", None, ("--port", "{port}"))

# name -> (plan, services table or None for the real one, error class, message)
REFUSED: dict[str, tuple[dict[str, Any], tuple[ServiceSpec, ...] | None, type[Exception], str]] = {
    "unknown service": (
        {"services": ("broker", "zookeeper")},
        None,
        ConfigError,
        "unknown service zookeeper: choose from broker, ksql, registry",
    ),
    "only the broker, but an external one is given": (
        {"services": ("broker",), "bootstrap_servers": "127.0.0.1:1"},
        None,
        ConfigError,
        "nothing to start: --services names only the broker, which --bootstrap-servers replaces",
    ),
    "a service this build lacks": (
        {"services": ("broker",)},
        (MISSING,),
        KsqlmvError,
        "broker (ksqlmv.no_such_module) is not part of this build of ksqlmv yet; "
        "start the rest with --services broker",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_before_anything_starts(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_fields, table, error, message = REFUSED[case]
    if table is not None:
        monkeypatch.setattr(services_module, "SERVICES", table)
    plan = StackPlan(data_dir=tmp_path / "data", ports={"broker": 0}, **plan_fields)
    with pytest.raises(error) as raised:
        asyncio.run(Supervisor(plan).run())
    assert str(raised.value) == message
    assert not (tmp_path / "data").exists(), "nothing was started"


def test_the_default_set_names_what_is_missing(local_run: Callable[..., Any]) -> None:
    missing = [
        f"{name} ({module})"
        for name, module in (("registry", "ksqlmv.registry"), ("ksql", "ksqlmv.server"))
        if importlib.util.find_spec(module) is None
    ]
    if not missing:
        pytest.skip("every service is part of this build")
    run = local_run("--kafka-port", "0", "--registry-port", "0", "--ksql-port", "0")
    assert run.wait() == 1
    (line,) = run.stderr().strip().splitlines()
    assert line.startswith(f"Error: {' and '.join(missing)} ")
    assert "not part of this build of ksqlmv yet" in line


def _registry_installed() -> bool:
    return importlib.util.find_spec("ksqlmv.registry") is not None


@pytest.mark.skipif(not _registry_installed(), reason="ksqlmv.registry is not in this build")
@pytest.mark.parametrize("external", ["embedded", "tansu"])
def test_an_external_broker_replaces_the_embedded_one(
    external: str, request: pytest.FixtureRequest, embedded_broker: EmbeddedStack, tmp_path: Path
) -> None:
    bootstrap = (
        embedded_broker.bootstrap_servers
        if external == "embedded"
        else request.getfixturevalue("tansu")
    )
    with EmbeddedStack(
        ("broker", "registry"), tmp_path / "stack", bootstrap_servers=bootstrap
    ) as s:
        assert set(s.addresses) == {"registry"}, "no broker of its own"
        assert s.bootstrap_servers == bootstrap
        schema = {"schema": '"string"'}
        response = httpx.post(f"{s.schema_registry_url}/subjects/x-value/versions", json=schema)
        assert response.status_code == 200, response.text
        # the registry keeps its schemas on the external broker
        topics = AdminClient({"bootstrap.servers": bootstrap, "logger": LOG}).list_topics(
            timeout=10
        )
        assert "_schemas" in topics.topics


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("ksqlmv.registry", "ksqlmv.server")),
    reason="the registry or the ksqlDB server is not in this build",
)
def test_the_whole_stack_on_free_ports(local_run: Callable[..., Any]) -> None:
    run = local_run("--kafka-port", "0", "--registry-port", "0", "--ksql-port", "0")
    line = run.ready_line()
    match = re.fullmatch(
        r"ksqlmv local ready: broker=127\.0\.0\.1:(\d+) "
        r"registry=http://127\.0\.0\.1:(\d+) ksql=http://127\.0\.0\.1:(\d+)",
        line,
    )
    assert match, line
    broker, registry, ksql = (int(port) for port in match.groups())
    assert 0 not in (broker, registry, ksql)
    _round_trip(f"127.0.0.1:{broker}")
    assert httpx.get(f"http://127.0.0.1:{registry}/subjects", timeout=10).status_code == 200
    assert httpx.get(f"http://127.0.0.1:{ksql}/info", timeout=10).status_code == 200
    assert run.signal(signal.SIGTERM) == 0
