"""The `ksqlmv local` supervisor: one process per service, started, watched and stopped together.

It starts the planned services in order (`services.SERVICES`), each as
`python -m <module> --host H --port P ...`, and waits for each one's `listening on HOST:PORT`
line (`contract.py`) before starting the next, so later services get earlier ones' real
addresses. Then it prints one line on stdout,

    ksqlmv local ready: broker=127.0.0.1:9092 registry=http://127.0.0.1:8081 ksql=http://127.0.0.1:8088

writes `<data-dir>/local.json` (each service's pid and address, for tools and the test harness)
and waits. SIGINT or SIGTERM stops every service (SIGTERM, then SIGKILL after ten seconds) and
exits 0. A service that exits on its own is reported with its name and exit code; the others are
stopped and the supervisor fails. Services' own output is passed through on stderr, each line
prefixed with the service's name. Children get SIGTERM if the supervisor itself dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any, TextIO

from ksqlmv.config import Settings
from ksqlmv.errors import (
    ConfigError,
    ExecutionError,
    KsqlmvError,
    PortInUseError,
    ServiceExitedError,
)
from ksqlmv.local.contract import LISTENING, PORT_IN_USE_EXIT
from ksqlmv.local.ports import port_holder, port_in_use
from ksqlmv.local.services import SERVICES, ServiceSpec, StackPlan

__all__ = ["READY_PREFIX", "STATE_FILE", "Supervisor"]

READY_PREFIX = "ksqlmv local ready:"
STATE_FILE = "local.json"
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 10.0
_DEFAULT_PORTS = {"broker": 9092, "registry": 8081, "ksql": 8088}
_WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 (recognised, not bound)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the supervisor dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(slots=True)
class _Child:
    spec: ServiceSpec
    port: int
    process: asyncio.subprocess.Process
    listening: asyncio.Future[str]
    address: str = ""
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))
    pumps: list[asyncio.Task[None]] = field(default_factory=list)


class Supervisor:
    """Runs one plan in the foreground until a signal or a service's death."""

    def __init__(self, plan: StackPlan, out: TextIO | None = None, err: TextIO | None = None):
        self.plan = plan
        self._out = out or sys.stdout
        self._err = err or sys.stderr
        self._children: list[_Child] = []
        self._stop = asyncio.Event()

    def _check(self) -> tuple[ServiceSpec, ...]:
        known = {spec.name for spec in SERVICES}
        unknown = [name for name in self.plan.services if name not in known]
        if unknown:
            raise ConfigError(
                f"unknown service {', '.join(unknown)}: choose from {', '.join(sorted(known))}"
            )
        specs = self.plan.to_start()
        if not specs:
            raise ConfigError(
                "nothing to start: --services names only the broker, which "
                "--bootstrap-servers replaces"
            )
        missing = [spec for spec in specs if not spec.installed()]
        if missing:
            names = " and ".join(f"{spec.name} ({spec.module})" for spec in missing)
            verb = "is" if len(missing) == 1 else "are"
            present = ",".join(spec.name for spec in specs if spec not in missing) or "broker"
            raise KsqlmvError(
                f"{names} {verb} not part of this build of ksqlmv yet; "
                f"start the rest with --services {present}"
            )
        for spec in specs:
            port = self._port(spec)
            if port and port_in_use(self.plan.host, port):
                raise PortInUseError(port, spec.port_flag, port_holder(port))
        return specs

    def _port(self, spec: ServiceSpec) -> int:
        return self.plan.ports.get(spec.name, _DEFAULT_PORTS[spec.name])

    async def run(self) -> None:
        """Start everything, print the ready line, and wait; raises if a service fails."""
        specs = self._check()
        if self.plan.host != "127.0.0.1":
            self._say(
                f"warning: binding {self.plan.host} exposes the stack beyond this machine; "
                "the embedded services have no encryption and only optional authentication"
            )
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._stop.set)
        self.plan.data_dir.mkdir(parents=True, exist_ok=True)
        state = self.plan.data_dir / STATE_FILE
        watching = loop.create_task(self._watch_parent()) if self.plan.watch_pid else None
        try:
            values = self._initial_values()
            for spec in specs:
                child = await self._start(spec, values)
                if child is None:
                    return  # asked to stop while starting
                if spec.name == "broker":
                    values["bootstrap_servers"] = child.address
                elif spec.name == "registry":
                    values["schema_registry_url"] = child.address
            state.write_text(json.dumps(self._state(), indent=1))
            addresses = " ".join(f"{c.spec.name}={c.address}" for c in self._children)
            print(f"{READY_PREFIX} {addresses}", file=self._out, flush=True)
            await self._watch()
        finally:
            if watching is not None:
                watching.cancel()
            await self._stop_all()
            state.unlink(missing_ok=True)
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    def _initial_values(self) -> dict[str, str | None]:
        registry = self.plan.schema_registry_url or Settings.from_env().schema_registry_url
        return {
            "host": self.plan.host,
            "data_dir": str(self.plan.data_dir),
            "bootstrap_servers": self.plan.bootstrap_servers or "",
            "schema_registry_url": registry,
            "registry_auth": self.plan.registry_auth,
        }

    def _state(self) -> dict[str, dict[str, object]]:
        return {
            child.spec.name: {"pid": child.process.pid, "address": child.address}
            for child in self._children
        }

    def _say(self, line: str) -> None:
        print(f"ksqlmv local: {line}", file=self._err, flush=True)

    # -- one service -------------------------------------------------------------------------

    async def _start(self, spec: ServiceSpec, values: dict[str, str | None]) -> _Child | None:
        port = self._port(spec)
        arguments = spec.command({**values, "port": str(port)})
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            spec.module,
            *arguments,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_die_with_parent,
        )
        loop = asyncio.get_running_loop()
        child = _Child(spec, port, process, loop.create_future())
        self._children.append(child)
        assert process.stdout is not None and process.stderr is not None
        child.pumps = [
            loop.create_task(self._pump(child, process.stdout, watch=True)),
            loop.create_task(self._pump(child, process.stderr, watch=False)),
        ]
        exited = loop.create_task(process.wait())
        stopping = loop.create_task(self._stop.wait())
        racing: set[asyncio.Future[Any]] = {child.listening, exited, stopping}
        done, _ = await asyncio.wait(
            racing,
            timeout=_START_TIMEOUT,
            return_when=asyncio.FIRST_COMPLETED,
        )
        for task in (exited, stopping):
            task.cancel()
        if child.listening in done:
            host, bound = child.listening.result().rsplit(":", 1)
            host = "127.0.0.1" if host in _WILDCARDS else host
            child.address = spec.address(host, int(bound))
            self._say(f"{spec.name} (pid {process.pid}) listening on {host}:{bound}")
            return child
        if stopping in done:
            return None
        if exited in done:
            await asyncio.gather(*child.pumps, return_exceptions=True)
            code = process.returncode
            if code == PORT_IN_USE_EXIT and port:
                raise PortInUseError(port, spec.port_flag, port_holder(port))
            raise ServiceExitedError(spec.name, code, _why(child))
        raise ExecutionError(
            f"{spec.name} did not report 'listening on' within {_START_TIMEOUT:.0f} s"
        )

    async def _pump(self, child: _Child, stream: asyncio.StreamReader, *, watch: bool) -> None:
        """Pass a child's output through, prefixed; spot its ready line."""
        while True:
            raw = await stream.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip()
            if watch and not child.listening.done():
                match = LISTENING.search(line)
                if match:
                    child.listening.set_result(f"{match['host']}:{match['port']}")
            if not watch:
                child.tail.append(line)
            print(f"[{child.spec.name}] {line}", file=self._err, flush=True)

    # -- running and stopping ----------------------------------------------------------------

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        exits = {loop.create_task(child.process.wait()): child for child in self._children}
        stopping = loop.create_task(self._stop.wait())
        done, _ = await asyncio.wait({stopping, *exits}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stopping, *exits):
            task.cancel()
        dead = [child for task, child in exits.items() if task in done]
        if dead and not self._stop.is_set():
            child = dead[0]
            await asyncio.gather(*child.pumps, return_exceptions=True)
            raise ServiceExitedError(child.spec.name, child.process.returncode, _why(child))

    async def _watch_parent(self) -> None:
        """Stop when the process in `plan.watch_pid` is gone (it may die without a word)."""
        assert self.plan.watch_pid is not None
        while True:
            try:
                os.kill(self.plan.watch_pid, 0)
            except ProcessLookupError:
                self._say(f"process {self.plan.watch_pid} is gone; stopping")
                self._stop.set()
                return
            except PermissionError:
                pass  # it exists, it is just not ours
            await asyncio.sleep(0.5)

    async def _stop_all(self) -> None:
        for child in reversed(self._children):
            process = child.process
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), _STOP_TIMEOUT)
                except TimeoutError:
                    self._say(f"{child.spec.name} did not stop in {_STOP_TIMEOUT:.0f} s; killed")
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()
            await asyncio.gather(*child.pumps, return_exceptions=True)
        self._children.clear()


def _why(child: _Child) -> str:
    """The service's own last word on a failure: its last stderr line, if it exited with one."""
    code = child.process.returncode
    if code is None or code <= 0 or not child.tail:
        return ""  # killed by a signal, or exited 0: nothing it said explains that
    return child.tail[-1]
