"""`ksqlmv demo` before anything runs: ports in use, a folder that is not a project, and Ctrl-C
while it starts."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port this test process listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.parametrize(
    "flag", ["--kafka-port", "--registry-port", "--ksql-port", "--dashboard-port"]
)
def test_a_port_in_use_names_its_holder_and_the_flag(
    run_demo: Any, taken_port: int, tmp_path: Path, flag: str
) -> None:
    demo = run_demo(flag, str(taken_port))
    assert demo.process.wait(60) == 2
    error = demo.stderr
    expected = (
        f"Error: port {taken_port} is already in use by pid {os.getpid()} "
        f"(python"  # the holder's name as /proc tells it (python, python3.11 ...)
    )
    assert expected in error, error
    assert f"choose another with {flag}" in error
    assert "Traceback" not in error
    assert demo.lines == [] or not any("ready" in line for line in demo.lines)
    assert not (tmp_path / "demo" / "logs").exists(), "nothing was started"


def test_outside_a_project_it_says_where_to_run(run_demo: Any, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    demo = run_demo("--project-dir", str(elsewhere))
    assert demo.process.wait(60) == 2
    assert "ksql-migrations.properties not found" in demo.stderr
    assert "--project-dir" in demo.stderr
    assert "Traceback" not in demo.stderr


@pytest.mark.integration
def test_ctrl_c_while_starting_stops_everything(run_demo: Any, tmp_path: Path) -> None:
    demo = run_demo("--no-dashboard")
    deadline = time.monotonic() + 120
    while "starting shop" not in demo.stderr:
        assert demo.process.poll() is None, demo.stderr
        assert time.monotonic() < deadline, demo.stderr
        time.sleep(0.1)
    tree = demo.tree()
    assert len(tree) >= 4, "the stack's supervisor and services run"
    assert demo.interrupt() == 0, demo.stderr
    time.sleep(0.5)
    assert demo.left_running(tree) == []
    assert "Traceback" not in demo.stderr
    assert "stopped stack" in demo.stderr
    assert not (tmp_path / "demo" / "demo.json").exists()
