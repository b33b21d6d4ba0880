"""Fixtures for the dashboard: its folder on sys.path, and the platform running with data flowing.

`platform` is the embedded stack (broker, registry, ksqlDB server) with the shop and trading
simulators producing in background threads and every migration of ksql/migrations applied, once
per session. Tests that need it skip, naming the missing piece, when this build has no embedded
ksqlDB server.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = REPO_ROOT / "dashboard"
APP = DASHBOARD / "app.py"
MIGRATIONS_CONFIG = REPO_ROOT / "ksql" / "ksql-migrations.properties"

# The dashboard's pages import `dashlib` from their own folder, as Streamlit runs them.
if str(DASHBOARD) not in sys.path:
    sys.path.insert(0, str(DASHBOARD))

# The subjects the migrations assert: one value schema per platform topic.
SUBJECTS = tuple(sorted(path.stem for path in (REPO_ROOT / "schemas").glob("*-value.avsc")))
SIMULATORS = (("shop", 30.0), ("trading", 15.0))
"""Scenario and events per second: enough for views to change every second, light on 2 cores."""


def missing_server() -> str | None:
    """Why the platform cannot run in this build, or None."""
    try:
        runnable = importlib.util.find_spec("ksqlmv.server.__main__") is not None
    except ImportError:
        runnable = False
    if not runnable:
        return "the embedded ksqlDB server (python -m ksqlmv.server) is not in this build yet"
    return None


@pytest.fixture
def unused_url() -> str:
    """An http URL on a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def needs_server() -> None:
    """Skip, naming it, when this build has no embedded ksqlDB server."""
    reason = missing_server()
    if reason:
        pytest.skip(reason)


@dataclass
class Platform:
    """The running platform: addresses, and the simulators' stop switch."""

    stack: object
    ksqldb_url: str
    bootstrap_servers: str
    schema_registry_url: str
    stop: object
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def _simulate(name: str, rate: float, platform: Platform) -> None:
    from ksqlmv.config import Settings
    from ksqlmv.simulate import RunOptions, load_scenario, run
    from ksqlmv.simulate.progress import Display

    settings = Settings(
        bootstrap_servers=platform.bootstrap_servers,
        schema_registry_url=platform.schema_registry_url,
        ksqldb_url=platform.ksqldb_url,
    )
    scenario = load_scenario(name, REPO_ROOT / "producers")
    options = RunOptions(seed=7, start_ms=int(time.time() * 1000), rate=rate)
    try:
        run(scenario, settings, options, Display(), platform.stop)  # type: ignore[arg-type]
    except BaseException as error:  # reported by the fixture, never swallowed
        platform.errors.append(error)


def _wait_for_subjects(registry_url: str, timeout: float = 60.0) -> None:
    """Until the simulators have registered every subject the migrations assert."""
    from confluent_kafka.schema_registry import SchemaRegistryClient

    wanted = set(SUBJECTS)
    deadline = time.monotonic() + timeout
    with SchemaRegistryClient({"url": registry_url}) as registry:
        while not wanted <= set(registry.get_subjects()):
            assert time.monotonic() < deadline, f"subjects not registered: {wanted}"
            time.sleep(0.25)


def _apply_migrations(url: str) -> None:
    from ksqlmv import migrations as m

    config = m.MigrationConfig.load(MIGRATIONS_CONFIG)
    with m.connect(config, server=url) as client:
        migrator = m.Migrator(client, config)
        migrator.store.initialize()
        migrator.apply(m.ApplyMode.ALL)


def _wait_for_rows(url: str, views: tuple[str, ...], timeout: float = 60.0) -> None:
    from ksqlmv.client import KsqlClient

    deadline = time.monotonic() + timeout
    with KsqlClient(url) as client:
        for view in views:
            while not client.pull(f"SELECT * FROM {view};").rows:
                assert time.monotonic() < deadline, f"{view} has no rows after {timeout:g} s"
                time.sleep(0.5)


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The embedded stack with simulators producing and the migrations applied."""
    reason = missing_server()
    if reason:
        pytest.skip(reason)
    from ksqlmv.local import EmbeddedStack
    from ksqlmv.simulate import Stop

    stack = EmbeddedStack(("broker", "registry", "ksql"), tmp_path_factory.mktemp("platform"))
    with stack:
        running = Platform(
            stack,
            stack.ksqldb_url,
            stack.bootstrap_servers,
            stack.schema_registry_url,
            Stop(),
        )
        for name, rate in SIMULATORS:
            thread = threading.Thread(
                target=_simulate, args=(name, rate, running), name=f"simulate-{name}"
            )
            thread.start()
            running.threads.append(thread)
        try:
            _wait_for_subjects(running.schema_registry_url)
            _apply_migrations(running.ksqldb_url)
            _wait_for_rows(running.ksqldb_url, ("ORDERS_BY_STATUS", "TRADES_OHLC_1M"))
            assert not running.errors, running.errors
            yield running
        finally:
            running.stop.request()  # type: ignore[attr-defined]
            for thread in running.threads:
                thread.join(30)
            _release_streamlit_resources()


def _release_streamlit_resources() -> None:
    """Stop the live readers and close the clients the app's caches hold."""
    import streamlit as st

    st.cache_resource.clear()


@pytest.fixture
def app_env(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Platform:
    """The environment `ksqlmv dashboard` gives the app: the server and the migrations project."""
    monkeypatch.setenv("KSQLMV_KSQLDB_URL", platform.ksqldb_url)
    monkeypatch.setenv("KSQLMV_MIGRATIONS_CONFIG", str(MIGRATIONS_CONFIG))
    return platform
