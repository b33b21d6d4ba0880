"""Running `ksqlmv demo` as a user does, on free ports, and watching its process tree."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ksqlmv.demo import READY_PREFIX_DEMO

# every port picked free, flags given later win
FREE_PORTS = (
    "--kafka-port",
    "0",
    "--registry-port",
    "0",
    "--ksql-port",
    "0",
    "--dashboard-port",
    "0",
)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, from /proc; None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every living descendant of `root` (children, grandchildren ...), pid -> start time."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] != "Z":
                parents.setdefault(stat[1], []).append((int(entry.name), stat[2]))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for pid, started in parents.get(todo.pop(), []):
            found[pid] = started
            todo.append(pid)
    return found


def still_running(processes: dict[int, int]) -> list[str]:
    """Those of `processes` (pid -> start time) that still run, with their command lines."""
    left = []
    for pid, started in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z" and stat[2] == started:
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                left.append(f"{pid}: {command.decode(errors='replace')[:160]}")
    return left


@dataclass
class DemoRun:
    """`ksqlmv demo` started in a subprocess; stdout is read line by line in a thread."""

    process: subprocess.Popen[str]
    stderr_path: Path
    lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    ready_after: float | None = None
    addresses: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_ready(self, timeout: float) -> dict[str, str]:
        """The addresses of the ready line; skips the test if a part of the platform is not
        built yet, fails with the demo's own words otherwise."""
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith(READY_PREFIX_DEMO):
                    self.ready_after = time.monotonic() - self.started
                    pairs = line[len(READY_PREFIX_DEMO) :].split()
                    self.addresses = dict(pair.split("=", 1) for pair in pairs)
                    return self.addresses
            if self.process.poll() is not None:
                self._explain_exit()
            time.sleep(0.1)
        raise AssertionError(f"not ready within {timeout:.0f} s:\n{self.stderr[-3000:]}")

    def _explain_exit(self) -> None:
        missing = [line for line in self.stderr.splitlines() if "not part of this build" in line]
        if missing:
            pytest.skip(f"the demo needs a part still missing: {missing[-1]}")
        raise AssertionError(
            f"ksqlmv demo exited with {self.process.returncode}:\n{self.stderr[-3000:]}"
        )

    def tree(self) -> dict[int, int]:
        """Every process the demo started, directly or not: pid -> start time."""
        return descendants(self.process.pid)

    @staticmethod
    def left_running(tree: dict[int, int]) -> list[str]:
        """The processes of `tree` still running."""
        return still_running(tree)

    def close(self) -> None:
        """Kill whatever is left of this run (a failed test's), and free its pipe."""
        if self.process.poll() is None:
            tree = self.tree()
            self.process.kill()
            self.process.wait()
            for pid, started in tree.items():
                stat = _stat(pid)
                if stat is not None and stat[2] == started:  # the same process, not a reuse
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
        self._reader.join(10)
        assert self.process.stdout is not None
        self.process.stdout.close()

    def interrupt(self, timeout: float = 60.0) -> int:
        """Ctrl-C, as a terminal sends it; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)


@pytest.fixture
def run_demo(repo_root: Path, tmp_path: Path) -> Iterator[Callable[..., DemoRun]]:
    """`run_demo(*flags)`: `ksqlmv demo` on free ports in a temporary data directory."""
    runs: list[DemoRun] = []

    def start(*flags: str, data_dir: Path | None = None, free_ports: bool = True) -> DemoRun:
        data = data_dir or tmp_path / "demo"
        err = tmp_path / f"demo-{len(runs)}.err"
        with err.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "ksqlmv", "demo", "--data-dir", str(data)]
                + (list(FREE_PORTS) if free_ports else [])
                + list(flags),
                cwd=repo_root,
                stdout=subprocess.PIPE,
                stderr=sink,
                text=True,
                env={k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")},
            )
        run = DemoRun(process, err)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.close()
