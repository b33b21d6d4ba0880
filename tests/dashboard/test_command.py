"""`ksqlmv dashboard`: where it finds the app, how it starts Streamlit, and what it refuses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from ksqlmv.cli import cli
from ksqlmv.cli.dashboard import dashboard_environment, find_app, streamlit_command

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_app_is_found_here_or_beside_the_sources(tmp_path: Path) -> None:
    assert find_app(cwd=REPO_ROOT) == REPO_ROOT / "dashboard" / "app.py"
    assert find_app(cwd=tmp_path) == REPO_ROOT / "dashboard" / "app.py"
    own = tmp_path / "dashboard" / "app.py"
    own.parent.mkdir()
    own.write_text("import streamlit\n")
    assert find_app(cwd=tmp_path) == own


def test_streamlit_runs_headless_on_the_chosen_address() -> None:
    command = streamlit_command(Path("/x/app.py"), port=8600, host="127.0.0.1")
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", "/x/app.py"]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.port"] == "8600"
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"


def test_the_environment_names_the_server_and_the_migrations(tmp_path: Path) -> None:
    config = tmp_path / "ksql-migrations.properties"
    environment = dashboard_environment("http://ksql:8088", config, base={"KEEP": "1"})
    assert environment == {
        "KEEP": "1",
        "KSQLMV_KSQLDB_URL": "http://ksql:8088",
        "KSQLMV_MIGRATIONS_CONFIG": str(config.resolve()),
    }
    assert dashboard_environment(None, None, base={}) == {}


def test_a_taken_port_is_one_clear_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = CliRunner().invoke(cli, ["dashboard", "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port} is already in use" in result.output
    assert "--port" in result.output


def test_a_missing_app_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.py"
    result = CliRunner().invoke(cli, ["dashboard", "--app", str(missing)])
    assert result.exit_code == 2
    assert f"dashboard app {missing} does not exist" in result.output


def test_the_dashboard_serves_and_answers_its_health_check(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as probe:  # a ksqlDB URL nobody answers: the app shows its banner
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    process = subprocess.Popen(
        [sys.executable, "-m", "ksqlmv", "dashboard", "--port", str(port), "--ksqldb-url", dead],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.2)
        assert health is not None and health.status_code == 200 and health.text == "ok"
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.status_code == 200 and "<html" in page.text.lower()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert f"dashboard: http://127.0.0.1:{port} (ksqlDB at {dead})" in output
