"""`ksqlmv migrate` without a server: scaffolding, usage errors, exit codes, a server down."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ksqlmv.cli import cli

COMMANDS = [
    "new-project",
    "initialize-metadata",
    "destroy-metadata",
    "create",
    "apply",
    "info",
    "validate",
    "plan",
    "repair",
    "baseline",
    "rollback",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["migrate", "new-project", str(tmp_path), "http://x:1"])
    assert result.exit_code == 0, result.output
    return tmp_path / "ksql-migrations.properties"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, ["migrate", name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"migrate {name}" in result.output.splitlines()[0]


def test_create_with_config_before_or_after_the_command(project: Path) -> None:
    runner = CliRunner()
    before = runner.invoke(cli, ["migrate", "-c", str(project), "create", "first one"])
    after = runner.invoke(cli, ["migrate", "create", "-c", str(project), "--down", "second"])
    assert before.exit_code == 0 and after.exit_code == 0, before.output + after.output
    names = sorted(p.name for p in (project.parent / "migrations").iterdir())
    assert names == ["U000002__second.sql", "V000001__first_one.sql", "V000002__second.sql"]
    as_json = runner.invoke(
        cli, ["migrate", "--json", "-c", str(project), "create", "-v", "9", "x"]
    )
    assert json.loads(as_json.output) == {
        "kind": "result",
        "created": str(project.parent / "migrations" / "V000009__x.sql"),
    }


USAGE = [
    (["apply"], "give exactly one of"),
    (["apply", "--all", "--next"], "give exactly one of"),
    (["apply", "--all", "-d", "novalue"], "is not of the form name=value"),
    (["apply", "--until", "0"], "0 is not in the range"),
    (["rollback"], "Missing option '--to'"),
    (["baseline"], "Missing option '-v'"),
]


@pytest.mark.parametrize(("args", "message"), USAGE)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["migrate", "-c", str(project), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["migrate", "-c", str(tmp_path / "nope"), "info"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["info"],
        ["validate"],
        ["apply", "--all"],
        ["plan"],
        ["repair"],
        ["rollback", "--to", "0"],
        ["initialize-metadata"],
    ],
)
def test_a_server_that_is_down_exits_5_within_seconds(project: Path, command: list[str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "ksqlmv",
            "migrate",
            "-c",
            str(project),
            "--server",
            url,
            "--json",
            *command,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 5, completed.stderr
    assert elapsed < 10
    assert f"cannot reach the ksqlDB server at {url}" in completed.stderr
    error = json.loads(completed.stdout.strip().splitlines()[-1])
    assert error["kind"] == "error" and error["exit_code"] == 5


def test_environment_url_is_used_when_no_flag_is_given(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("KSQLMV_KSQLDB_URL", url)
    result = CliRunner().invoke(cli, ["migrate", "-c", str(project), "info"])
    assert result.exit_code == 5
    assert url in result.output
