"""`python -m ksqlmv.registry`, as `ksqlmv local` starts it: flags, readiness line, failures."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

LISTENING_TIMEOUT = 30


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ksqlmv.registry", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def listening_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on " in line, (line, process.stderr.read() if process.stderr else "")
    return "http://" + line.split("listening on ")[1].strip()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_serves_on_a_free_port_and_stops_on_sigterm(broker: Any, processes: list[Any]) -> None:
    topic = f"_schemas_proc_{os.getpid()}_{time.monotonic_ns()}"
    process = start(
        "--host", "127.0.0.1", "--port", "0", "--bootstrap-servers", broker.bootstrap_servers,
        "--topic", topic,
    )  # fmt: skip
    processes.append(process)
    url = listening_url(process)
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    assert httpx.get(f"{url}/").json() == {}
    schema = '{"type":"record","name":"R","fields":[]}'
    assert httpx.post(f"{url}/subjects/r-value/versions", json={"schema": schema}).json()["id"] == 1
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_basic_auth_from_flag_or_environment(broker: Any, processes: list[Any], how: str) -> None:
    secret = "pa55:word"
    topic = f"_schemas_auth_{how}_{os.getpid()}_{time.monotonic_ns()}"
    args = ["--port", "0", "--bootstrap-servers", broker.bootstrap_servers, "--verbose"]
    args += ["--topic", topic]
    if how == "flag":
        process = start(*args, "--auth", f"reg:{secret}")
    else:
        process = start(*args, env={"KSQLMV_REGISTRY_AUTH": f"reg:{secret}"})
    processes.append(process)
    url = listening_url(process)
    assert httpx.get(f"{url}/subjects").status_code == 401
    assert httpx.get(f"{url}/subjects", auth=("reg", secret)).json() == []
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=15)
    assert secret not in out + err


def test_dead_broker_is_reported_within_seconds(processes: list[Any]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # bound, never listening: nothing answers
        started = time.monotonic()
        process = start("--port", "0", "--bootstrap-servers", f"127.0.0.1:{dead}")
        processes.append(process)
        out, err = process.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert process.returncode == 5
    assert f"cannot reach Kafka at 127.0.0.1:{dead}" in err
    assert "Traceback" not in err
    assert "listening" not in out
    assert elapsed < 15


def test_port_in_use_is_a_clear_error(broker: Any, processes: list[Any]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        taken = sock.getsockname()[1]
        process = start("--port", str(taken), "--bootstrap-servers", broker.bootstrap_servers)
        processes.append(process)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"port {taken} is already in use" in err


def test_malformed_auth_is_a_config_error(processes: list[Any]) -> None:
    process = start("--auth", "no-colon", "--bootstrap-servers", "127.0.0.1:1")
    processes.append(process)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "--auth must look like user:password" in err
