"""`python -m ksqlmv.server` as a process: the ready line, basic auth on and off, a dead broker
reported within seconds, a taken port, and clean stops on SIGTERM."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ksqlmv.client import KsqlClient
from ksqlmv.errors import AuthenticationError

pytestmark = pytest.mark.integration

LISTENING = re.compile(r"listening on (\S+):(\d+)")


def _server(stack: Any, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    import os

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ksqlmv.server",
            "--port",
            "0",
            "--bootstrap-servers",
            stack.bootstrap_servers,
            "--schema-registry-url",
            stack.schema_registry_url,
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    match = LISTENING.search(line)
    assert match, line
    return f"http://{match.group(1)}:{match.group(2)}"


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    code = process.wait(20)
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    return code


@pytest.fixture
def authenticated(ksql_stack: Any) -> Iterator[str]:
    """A server requiring user `fred` with password `letmein` (from the environment)."""
    process = _server(
        ksql_stack, "--service-id", "auth_", env={"KSQLMV_KSQLDB_AUTH": "fred:letmein"}
    )
    try:
        yield _url(process)
    finally:
        assert _stop(process) == 0


@pytest.mark.parametrize(
    "auth", [None, ("fred", "wrong"), ("nobody", "letmein")], ids=["none", "password", "user"]
)
def test_auth_refuses_with_ksqldbs_body(authenticated: str, auth: Any) -> None:
    response = httpx.post(f"{authenticated}/ksql", json={"ksql": "SHOW STREAMS;"}, auth=auth)
    assert response.status_code == 401
    assert response.json() == {
        "@type": "generic_error",
        "error_code": 40100,
        "message": "Unauthorized",
    }
    assert response.headers["www-authenticate"].startswith("Basic realm=")


def test_auth_accepts_the_credentials(authenticated: str) -> None:
    auth = ("fred", "letmein")
    response = httpx.post(f"{authenticated}/ksql", json={"ksql": "SHOW STREAMS;"}, auth=auth)
    assert response.status_code == 200
    with KsqlClient(authenticated, auth=None) as client, pytest.raises(AuthenticationError):
        client.execute("SHOW STREAMS;")
    # ksqlDB leaves health checks open
    assert httpx.get(f"{authenticated}/healthcheck").status_code == 200
    with httpx.Client(http1=False, http2=True, base_url=authenticated) as h2:
        assert h2.post("/ksql", json={"ksql": "SHOW TABLES;"}).status_code == 401
        assert h2.post("/ksql", json={"ksql": "SHOW TABLES;"}, auth=auth).status_code == 200


def test_without_auth_everything_is_open(ksql_stack: Any) -> None:
    response = httpx.post(f"{ksql_stack.ksqldb_url}/ksql", json={"ksql": "SHOW STREAMS;"})
    assert response.status_code == 200


def test_a_dead_broker_is_reported_within_seconds() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ksqlmv.server",
            "--port",
            "0",
            "--bootstrap-servers",
            f"127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 20
    assert done.returncode == 5
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert f"127.0.0.1:{port}" in lines[0]


def test_a_taken_port_is_exit_code_2(ksql_stack: Any) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = _server(ksql_stack, "--port", str(port), "--service-id", "port_")
        try:
            code = process.wait(60)
        finally:
            _stop(process)
    assert code == 2


def test_binds_loopback_and_stops_cleanly(ksql_stack: Any) -> None:
    process = _server(ksql_stack, "--service-id", "clean_")
    url = _url(process)
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{url}/info").status_code == 200
    assert _stop(process) == 0
