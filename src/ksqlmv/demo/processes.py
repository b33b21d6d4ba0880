"""The demo's child processes: each a `ksqlmv` command in its own process group, logging to a file.

Own process groups keep the terminal's Ctrl-C away from the children, so the demo decides the
order in which they stop (simulators flush before the broker goes). Stopping sends SIGTERM to
the group's leader, waits, then SIGKILLs the whole group, which takes any grandchild with it
(the stack's services, Streamlit's helpers). On Linux each child also gets SIGTERM if the demo
itself dies, so even `kill -9` of the demo leaves nothing running for long.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Child", "group_alive"]

_PR_SET_PDEATHSIG = 1
_POLL = 0.1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the demo dies (Linux; elsewhere a no-op)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group `pgid` still exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(slots=True)
class Child:
    """One running `ksqlmv` command of the demo; output goes to `log`."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    _start: int = 0  # where this run's output begins in the log
    _read: int = 0  # how far `new_lines` has read

    @classmethod
    def start(
        cls,
        name: str,
        arguments: Sequence[str],
        *,
        log_dir: Path,
        env: Mapping[str, str],
        cwd: Path,
    ) -> Child:
        """Run `ksqlmv ARGUMENTS` (this interpreter's) as the leader of a new process group."""
        command = [sys.executable, "-m", "ksqlmv", *arguments]
        return cls.spawn(name, command, log_dir=log_dir, env=env, cwd=cwd)

    @classmethod
    def spawn(
        cls,
        name: str,
        command: Sequence[str],
        *,
        log_dir: Path,
        env: Mapping[str, str],
        cwd: Path,
    ) -> Child:
        """Run any command as the leader of a new process group, output to `log_dir/NAME.log`."""
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"{name}.log"
        with log.open("ab") as sink:
            # a log keeps earlier runs' lines: read only what this run prints
            before = sink.tell()
            process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**env, "PYTHONUNBUFFERED": "1"},
                cwd=cwd,
                process_group=0,
                preexec_fn=_die_with_parent,
            )
        return cls(name, process, log, before, before)

    @property
    def pid(self) -> int:
        """The leader's process id, which is also the group's id."""
        return self.process.pid

    @property
    def running(self) -> bool:
        """Whether the command has not exited yet."""
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit code once it exited (negative: killed by that signal)."""
        return self.process.poll()

    def lines(self) -> list[str]:
        """Everything this run of it printed so far."""
        try:
            with self.log.open("rb") as source:
                source.seek(self._start)
                return source.read().decode(errors="replace").splitlines()
        except OSError:
            return []

    def last_line(self) -> str:
        """The last line it printed that says something (an `Error:` line if there is one)."""
        lines = [line.strip() for line in self.lines() if line.strip()]
        errors = [line for line in lines if line.startswith("Error:")]
        return (errors or lines or [""])[-1]

    def new_lines(self) -> list[str]:
        """The complete lines printed since the previous call."""
        try:
            with self.log.open("rb") as source:
                source.seek(self._read)
                chunk = source.read()
        except OSError:
            return []
        end = chunk.rfind(b"\n") + 1
        self._read += end
        return chunk[:end].decode(errors="replace").splitlines()

    def wait_for(self, pattern: re.Pattern[str], deadline: float) -> re.Match[str] | None:
        """The first new line matching `pattern`; None if it exits or time is up first."""
        while True:
            for line in self.new_lines():
                match = pattern.search(line)
                if match:
                    return match
            if not self.running or time.monotonic() >= deadline:
                return None
            time.sleep(_POLL)

    def stop(self, timeout: float, hurry: threading.Event | None = None) -> int | None:
        """SIGTERM to the leader, then SIGKILL to the whole group after `timeout` seconds (or as
        soon as `hurry` is set).

        Whatever is left in the group once the leader has exited is killed too, so nothing the
        command started outlives it. Returns the leader's exit code.
        """
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.running and time.monotonic() < deadline:
                if hurry is not None and hurry.is_set():
                    break
                time.sleep(_POLL)
        self.kill()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL every process of its group at once, and reap the leader."""
        if group_alive(self.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()
