"""Access: with basic auth on for the Schema Registry and the ksqlDB server, every route refuses
missing or wrong credentials; the CLI and the dashboard take theirs from the environment; no log
or output of the stack shows a secret; every service listens on 127.0.0.1 only.

The routes come from the servers' own route tables, so a route added later is covered. ksqlDB
serves a few paths without authentication (health and metadata); those answer without
credentials here too, and say nothing about the data.
"""

from __future__ import annotations

import base64
import logging
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ksqlmv.http import Router
from ksqlmv.registry.api import ROUTES as REGISTRY_ROUTES
from ksqlmv.server.app import AUTH_SKIP_PATHS, build_router

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "dashboard"
USER = "operator"
KSQL_SECRET = f"ksql-secret-{uuid.uuid4().hex}"
REGISTRY_SECRET = f"registry-secret-{uuid.uuid4().hex}"
WRONG = f"wrong-secret-{uuid.uuid4().hex}"
SAMPLES = {"subject": "s-value", "version": "1", "id": "1", "guid": "g", "namespace": "n"}
CREDENTIALS = {
    "none": None,
    "wrong password": (USER, WRONG),
    "wrong user": ("intruder", KSQL_SECRET),
}


def _routes(router: Router) -> list[tuple[str, str]]:
    """(method, pattern) of every route a router serves (read from its table)."""
    return sorted(
        (route.method, route.pattern) for routes in router._by_length.values() for route in routes
    )


def _path(pattern: str) -> str:
    """A concrete path for a route pattern: each placeholder gets a sample value."""
    return re.sub(r"\{(\w+)\}", lambda match: SAMPLES.get(match[1], "x"), pattern)


KSQL_ROUTES = _routes(build_router(None))  # type: ignore[arg-type]  # the table only
GUARDED_KSQL_ROUTES = [(m, p) for m, p in KSQL_ROUTES if p not in AUTH_SKIP_PATHS]
OPEN_KSQL_ROUTES = [(m, p) for m, p in KSQL_ROUTES if p in AUTH_SKIP_PATHS]
REGISTRY_TABLE = sorted((method, pattern) for method, pattern, _ in REGISTRY_ROUTES)


@pytest.fixture(scope="module")
def secured(platform_factory: Callable[..., Any]) -> Any:
    """The stack with basic auth on the registry and the ksqlDB server."""
    return platform_factory(
        "secured", auth={"ksql": (USER, KSQL_SECRET), "registry": (USER, REGISTRY_SECRET)}
    )


@pytest.fixture(scope="module")
def transcript() -> list[str]:
    """Everything the tests of this module saw printed: searched for secrets at the end."""
    return []


def _request(url: str, method: str, path: str, auth: tuple[str, str] | None) -> httpx.Response:
    body = {} if method in ("POST", "PUT") else None
    return httpx.request(method, f"{url}{path}", json=body, auth=auth, timeout=30)


@pytest.mark.parametrize("credentials", list(CREDENTIALS))
def test_every_registry_route_refuses_missing_or_wrong_credentials(
    secured: Any, credentials: str
) -> None:
    auth = CREDENTIALS[credentials]
    if auth is not None and auth[1] == KSQL_SECRET:
        auth = ("intruder", REGISTRY_SECRET)  # the right password under another name
    assert len(REGISTRY_TABLE) >= 30
    for method, pattern in REGISTRY_TABLE:
        response = _request(secured.stack.schema_registry_url, method, _path(pattern), auth)
        assert response.status_code == 401, (method, pattern, response.status_code)
        assert response.headers["www-authenticate"].startswith("Basic"), (method, pattern)
        assert response.json()["error_code"] == 401


@pytest.mark.parametrize("credentials", list(CREDENTIALS))
def test_every_ksqldb_route_refuses_missing_or_wrong_credentials(
    secured: Any, credentials: str
) -> None:
    auth = CREDENTIALS[credentials]
    assert {("POST", "/ksql"), ("POST", "/query-stream"), ("POST", "/close-query")} <= set(
        GUARDED_KSQL_ROUTES
    )
    for method, pattern in GUARDED_KSQL_ROUTES:
        response = _request(secured.stack.ksqldb_url, method, _path(pattern), auth)
        assert response.status_code == 401, (method, pattern, response.status_code)
        assert response.json()["error_code"] == 40100, (method, pattern, response.text)


def test_the_right_credentials_pass_every_route(secured: Any) -> None:
    for url, table, auth in (
        (secured.stack.schema_registry_url, REGISTRY_TABLE, (USER, REGISTRY_SECRET)),
        (secured.stack.ksqldb_url, GUARDED_KSQL_ROUTES, (USER, KSQL_SECRET)),
    ):
        for method, pattern in table:
            response = _request(url, method, _path(pattern), auth)
            assert response.status_code not in (401, 403), (method, pattern, response.text)
            assert response.status_code < 500, (method, pattern, response.text)


def test_ksqldb_health_and_metadata_answer_without_credentials(secured: Any) -> None:
    assert {path for _, path in OPEN_KSQL_ROUTES} == set(AUTH_SKIP_PATHS)
    for method, pattern in OPEN_KSQL_ROUTES:
        response = _request(secured.stack.ksqldb_url, method, pattern, None)
        assert response.status_code == 200, (pattern, response.text)
        assert "STREAM" not in response.text and "TABLE" not in response.text


def test_the_cli_takes_credentials_from_the_environment(
    secured: Any, transcript: list[str]
) -> None:
    for scenario in ("shop", "trading"):
        done = secured.ksqlmv("simulate", scenario, "--count", "50", "--seed", "3", "--no-pacing")
        transcript += [done.stdout, done.stderr]
        assert "50 sent, 50 acknowledged, 0 failed" in done.stdout
    for arguments in (("initialize-metadata",), ("apply", "--until", "3"), ("info",)):
        done = secured.migrate(*arguments)
        transcript += [done.stdout, done.stderr]
    assert "MIGRATED" in done.stdout or "migrated" in done.stdout.lower(), done.stdout

    # the same commands without credentials, or with wrong ones: refused, clearly
    refusals = [
        secured.migrate("info", check=False, KSQLMV_KSQLDB_USER="", KSQLMV_KSQLDB_PASSWORD=""),
        secured.migrate("info", check=False, KSQLMV_KSQLDB_PASSWORD=WRONG),
        secured.ksqlmv(
            *("simulate", "trading", "--count", "1", "--seed", "3"),
            check=False,
            KSQLMV_SCHEMA_REGISTRY_USER="",
            KSQLMV_SCHEMA_REGISTRY_PASSWORD="",
        ),
        secured.ksqlmv(
            *("simulate", "trading", "--count", "1", "--seed", "3"),
            check=False,
            KSQLMV_SCHEMA_REGISTRY_PASSWORD=WRONG,
        ),
    ]
    for refused in refusals:
        transcript += [refused.stdout, refused.stderr]
        assert refused.returncode == 6, (refused.args, refused.stdout, refused.stderr)
        assert "Traceback" not in refused.stderr
        assert re.search(r"credentials|[Uu]nauthori[sz]ed", refused.stderr), refused.stderr


@pytest.fixture
def dashboard_env(secured: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment `ksqlmv dashboard` runs the app with, and the app's folder on sys.path."""
    monkeypatch.syspath_prepend(str(DASHBOARD))
    monkeypatch.setenv("KSQLMV_KSQLDB_URL", secured.stack.ksqldb_url)
    monkeypatch.setenv("KSQLMV_KSQLDB_USER", USER)
    monkeypatch.setenv("KSQLMV_KSQLDB_PASSWORD", KSQL_SECRET)
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()  # live readers stop, cached clients close


def _overview(caplog: pytest.LogCaptureFixture) -> Any:
    from streamlit.testing.v1 import AppTest

    with caplog.at_level(logging.DEBUG):
        app = AppTest.from_file(str(DASHBOARD / "app.py"), default_timeout=60)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_dashboard_takes_credentials_from_the_environment(
    dashboard_env: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    transcript: list[str],
) -> None:
    import streamlit as st

    app = _overview(caplog)
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles.get("ksqlDB version", "?") != "?", tiles
    assert not [error.value for error in app.error]
    shown = [element.value for element in (*app.markdown, *app.error, *app.caption)]
    transcript += [str(value) for value in shown] + [caplog.text]

    monkeypatch.setenv("KSQLMV_KSQLDB_PASSWORD", WRONG)
    st.cache_resource.clear()
    refused = _overview(caplog)
    errors = [str(error.value) for error in refused.error]
    assert any("refused the credentials" in error for error in errors), errors
    transcript += [*errors, caplog.text]


def _listening(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket process `pid` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table, width in (("tcp", 4), ("tcp6", 16)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            address, port = fields[1].split(":")
            raw = bytes.fromhex(address)
            if width == 4:
                host = socket.inet_ntop(socket.AF_INET, raw[::-1])
            else:
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                host = socket.inet_ntop(socket.AF_INET6, words)
            found.append((host, int(port, 16)))
    return found


def test_services_listen_on_loopback_only(secured: Any) -> None:
    for service in ("broker", "registry", "ksql"):
        sockets = _listening(secured.stack.pid(service))
        assert sockets, f"{service} listens on nothing"
        assert {host for host, _ in sockets} == {"127.0.0.1"}, (service, sockets)


def test_the_dashboard_listens_on_loopback_only(
    secured: Any, tmp_path: Path, transcript: list[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "dashboard.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "ksqlmv", "dashboard", "--port", str(port)],
            cwd=REPO_ROOT,
            env=secured.env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        listening = [entry for pid in _tree(process.pid) for entry in _listening(pid)]
        assert (("127.0.0.1", port)) in listening
        assert {host for host, _ in listening} == {"127.0.0.1"}, listening
    finally:
        process.terminate()
        process.wait(30)
        transcript.append(log.read_text(errors="replace"))


def _tree(root: int) -> list[int]:
    """`root` and its descendants (the dashboard command replaces itself with Streamlit)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def test_no_log_or_output_shows_a_secret(secured: Any, transcript: list[str]) -> None:
    assert len(transcript) >= 10, "run with the rest of this module: it reads their output"
    texts = [secured.log(), *transcript]
    texts += [path.read_text(errors="replace") for path in secured.stack.data_dir.rglob("*.log")]
    for secret in (KSQL_SECRET, REGISTRY_SECRET, WRONG):
        encoded = base64.b64encode(f"{USER}:{secret}".encode()).decode()
        for text in texts:
            assert secret not in text
            assert encoded not in text
