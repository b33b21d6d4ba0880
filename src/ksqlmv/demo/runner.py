"""`Demo`: start the whole platform in order, report when it is ready, stop it together.

Order of start, each step a `ksqlmv` command (see `plan.py`):

1. the embedded stack, waited for until its ready line gives the real addresses;
2. on a new data directory, a few minutes of each scenario's history (`history.py`), which also
   creates the topics and registers the schemas;
3. the live `shop` and `trading` simulators;
4. the dashboard, starting while the migrations run;
5. `migrate initialize-metadata`, then `migrate apply --all`: the migrations' ASSERT TOPIC and
   ASSERT SCHEMA statements wait for what the simulators create;
6. the dashboard's health endpoint, then one line on stdout,

       ksqlmv demo ready: dashboard=http://127.0.0.1:8501 ksql=http://127.0.0.1:8088 ...

   followed by the guide to what to look at.

It then watches: a step that exits on its own stops the demo with that step's last words. A stop
request (Ctrl-C, SIGTERM) stops the steps in reverse order, simulators before the stack, each with
SIGTERM then SIGKILL after a timeout; a second request kills what is left at once.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Callable
from typing import TextIO

import httpx

from ksqlmv.demo.guide import guide
from ksqlmv.demo.history import plan_history
from ksqlmv.demo.plan import PORT_FLAGS, Addresses, DemoPlan
from ksqlmv.demo.processes import Child
from ksqlmv.demo.views import project_views
from ksqlmv.errors import ExecutionError, PortInUseError, ServiceExitedError
from ksqlmv.local.ports import free_port, port_holder, port_in_use
from ksqlmv.local.supervisor import READY_PREFIX

__all__ = ["READY_PREFIX_DEMO", "SCENARIOS", "STATE_FILE", "Demo"]

READY_PREFIX_DEMO = "ksqlmv demo ready:"
STATE_FILE = "demo.json"  # in the data directory while the demo runs: each step's pid and log
SCENARIOS = ("shop", "trading")
_STACK_READY = re.compile(re.escape(READY_PREFIX) + r"\s*(?P<addresses>.*)")
_START_TIMEOUT = 120.0  # the stack, the dashboard: generous for a cold first start
_STEP_TIMEOUT = 300.0  # migrations' ASSERTs wait up to two minutes each for topics and subjects
_STOP_TIMEOUT = 10.0
_WATCH = 0.25
_REPEAT = 0.5  # seconds within which a second stop request is the same one


class Demo:
    """One run of `ksqlmv demo`: `run()` blocks until stopped; `request_stop()` ends it.

    `run()` returns normally after a stop request (also one before the demo was ready) and
    raises a `KsqlmvError` when a step fails: a port in use, a step that exits, a timeout.
    """

    def __init__(self, plan: DemoPlan, out: TextIO, say: Callable[[str], None]) -> None:
        self.plan = plan
        self._out = out
        self._say = say
        self._children: list[Child] = []  # everything started and not yet finished
        self._services: list[Child] = []  # the ones meant to run until the end
        self._stop = threading.Event()
        self._hurry = threading.Event()
        self._began = time.monotonic()
        self._stop_requested = 0.0

    # -- control ------------------------------------------------------------------------------

    def request_stop(self) -> str:
        """Stop cleanly; asked a second time, kill every step at once. Returns what it does:
        "stopping", "killing", or "" for a request that changes nothing.

        Two requests less than half a second apart count as one: tools such as `timeout`
        signal both the process and its group, so one stop can arrive twice.
        """
        now = time.monotonic()
        if not self._stop.is_set():
            self._stop_requested = now
            self._stop.set()
            return "stopping"
        if now - self._stop_requested >= _REPEAT and not self._hurry.is_set():
            self._hurry.set()
            return "killing"
        return ""

    def run(self) -> None:
        """Start everything, announce readiness, and wait for a stop or a failing step."""
        dashboard_port = self._check_ports()
        if self.plan.fresh:
            shutil.rmtree(self.plan.data_dir, ignore_errors=True)
        new = not (self.plan.data_dir / "stack").exists()
        self.plan.data_dir.mkdir(parents=True, exist_ok=True)
        self._began = time.monotonic()
        try:
            at = self._start_stack()
            if at is None:
                return
            env = self.plan.environment(at)
            # the history (which also creates topics and subjects) while the metadata is set up
            migrate = self.plan.migrate_command
            first = [("migrate initialize-metadata", migrate(at, "initialize-metadata"))]
            if new and self.plan.history_minutes > 0:
                first += self._history_steps(at)
            if not self._run_steps(first, env):
                return
            for name in SCENARIOS:
                self._service(name, self.plan.simulate_command(name, at), env)
            dashboard = None
            if self.plan.dashboard:
                arguments = self.plan.dashboard_command(dashboard_port, at)
                dashboard = self._service("dashboard", arguments, env)
            if not self._run_steps([("migrate apply", migrate(at, "apply", "--all"))], env):
                return
            url = ""
            if dashboard is not None:
                url = f"http://{self.plan.host}:{dashboard_port}"
                if not self._wait_healthy(dashboard, f"{url}/_stcore/health"):
                    return
            at = Addresses(at.bootstrap_servers, at.schema_registry_url, at.ksqldb_url, url)
            self._announce(at, time.monotonic() - self._began)
            while not self._stop.wait(_WATCH):
                self._check_alive()
        finally:
            self._stop_all()

    # -- before anything starts ---------------------------------------------------------------

    def _check_ports(self) -> int:
        """Refuse to start on a taken port (naming who holds it); returns the dashboard's port."""
        for name, flag in PORT_FLAGS.items():
            port = self.plan.port(name)
            if name == "dashboard" and not self.plan.dashboard:
                continue
            if port and port_in_use(self.plan.host, port):
                raise PortInUseError(port, flag, port_holder(port))
        return self.plan.port("dashboard") or free_port(self.plan.host)

    # -- steps --------------------------------------------------------------------------------

    def _note(self, line: str) -> None:
        self._say(f"{time.monotonic() - self._began:5.1f} s  {line}")

    def _spawn(self, name: str, arguments: list[str], env: dict[str, str]) -> Child:
        self._note(f"starting {name}: ksqlmv {' '.join(arguments)}")
        log_name = name.replace(" ", "-")
        child = Child.start(
            log_name, arguments, log_dir=self.plan.log_dir, env=env, cwd=self.plan.project_dir
        )
        self._children.append(child)
        self._write_state()
        return child

    def _service(self, name: str, arguments: list[str], env: dict[str, str]) -> Child:
        child = self._spawn(name, arguments, env)
        self._services.append(child)
        return child

    def _start_stack(self) -> Addresses | None:
        stack = self._service("stack", self.plan.stack_command(), self.plan.stack_environment())
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._stop.is_set():
            match = stack.wait_for(_STACK_READY, min(deadline, time.monotonic() + _WATCH))
            if match is not None:
                found = dict(item.split("=", 1) for item in match["addresses"].split())
                self._note(f"stack ready: {match['addresses']}")
                return Addresses(found["broker"], found["registry"], found["ksql"])
            self._check_alive()
            if time.monotonic() >= deadline:
                raise ExecutionError(
                    f"the embedded stack was not ready within {_START_TIMEOUT:.0f} s; "
                    f"see {stack.log}"
                )
        return None

    def _history_steps(self, at: Addresses) -> list[tuple[str, list[str]]]:
        steps = []
        for name in SCENARIOS:
            history = plan_history(
                name,
                self.plan.producers_dir,
                self.plan.data_dir / "history",
                rate=self.plan.rates[name],
                minutes=self.plan.history_minutes,
            )
            steps.append((f"{name} history", self.plan.history_command(history, at)))
        return steps

    def _run_steps(self, steps: list[tuple[str, list[str]]], env: dict[str, str]) -> bool:
        """Run one-off steps side by side to completion (False: stopped first); a non-zero
        exit fails the demo."""
        running = [self._spawn(name, arguments, env) for name, arguments in steps]
        deadline = time.monotonic() + _STEP_TIMEOUT
        while any(step.running for step in running):
            if self._stop.wait(_WATCH):
                return False
            self._check_alive()
            for step in running:
                if not step.running and step.returncode != 0:
                    raise self._exited(step)
            if time.monotonic() >= deadline:
                late = ", ".join(step.name for step in running if step.running)
                raise ExecutionError(f"{late} did not finish in {_STEP_TIMEOUT:.0f} s")
        for step in running:
            if step.returncode != 0:
                raise self._exited(step)
            self._children.remove(step)
            self._note(f"{step.name} done: {step.last_line()}")
        self._write_state()
        return True

    def _wait_healthy(self, dashboard: Child, url: str) -> bool:
        """Wait for the dashboard's health endpoint (False: stopped first)."""
        deadline = time.monotonic() + _START_TIMEOUT
        with httpx.Client(timeout=2.0) as http:
            while not self._stop.is_set():
                self._check_alive()
                try:
                    if http.get(url).status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                if time.monotonic() >= deadline:
                    raise ExecutionError(
                        f"the dashboard did not answer {url} within {_START_TIMEOUT:.0f} s; "
                        f"see {dashboard.log}"
                    )
                self._stop.wait(_WATCH)
        return False

    def _announce(self, at: Addresses, seconds: float) -> None:
        addresses = (
            f"dashboard={at.dashboard_url or '-'} ksql={at.ksqldb_url} "
            f"registry={at.schema_registry_url} broker={at.bootstrap_servers}"
        )
        print(f"{READY_PREFIX_DEMO} {addresses}", file=self._out, flush=True)
        views = project_views(self.plan.project_dir / "ksql" / "migrations")
        print(guide(at, seconds, views, self.plan.log_dir), file=self._out, flush=True)

    # -- failures and stopping ----------------------------------------------------------------

    def _check_alive(self) -> None:
        """A service that exited on its own fails the demo, with its last words."""
        for child in self._services:
            if not child.running:
                raise self._exited(child)

    @staticmethod
    def _exited(child: Child) -> ServiceExitedError:
        return ServiceExitedError(child.name, child.returncode, child.last_line())

    def _stop_all(self) -> None:
        for child in reversed(self._children):
            running = child.running
            code = child.stop(_STOP_TIMEOUT, self._hurry)
            if running:
                self._note(f"stopped {child.name} (exit code {code})")
        self._children.clear()
        self._services.clear()
        (self.plan.data_dir / STATE_FILE).unlink(missing_ok=True)

    def _write_state(self) -> None:
        state = {child.name: {"pid": child.pid, "log": str(child.log)} for child in self._children}
        (self.plan.data_dir / STATE_FILE).write_text(json.dumps(state, indent=1))
