"""`EmbeddedStack`: run `ksqlmv local` as a subprocess, for tests, benchmarks and demos.

```python
with EmbeddedStack(services=("broker",)) as stack:
    producer = Producer({"bootstrap.servers": stack.bootstrap_servers})
    ...
    stack.kill("broker")      # kill -9 one service; the supervisor stops the rest
    stack.restart()           # the same data directory and the same ports as before
```

It starts the real supervisor with free ports (unless given), parses its ready line for the
addresses, and keeps the supervisor's stderr (every service's log) in `<data-dir>/local.log`.
With no `data_dir` it uses a temporary directory, removed on exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

from ksqlmv.errors import ExecutionError
from ksqlmv.local.services import SERVICES
from ksqlmv.local.supervisor import READY_PREFIX, STATE_FILE

__all__ = ["EmbeddedStack"]

_FLAGS = {spec.name: spec.port_flag for spec in SERVICES}


class EmbeddedStack:
    """The embedded services in a `ksqlmv local` subprocess, as a context manager.

    Args:
        services: which services to run (`broker`, `registry`, `ksql`).
        data_dir: where they keep data; a temporary directory (deleted on exit) by default.
        ports: fixed ports by service name; the others are picked free.
        bootstrap_servers: an external Kafka-compatible broker to use instead of the embedded one.
        registry_auth: `user:password` the registry will require.
        start_timeout: seconds to wait for the ready line.
    """

    def __init__(
        self,
        services: Iterable[str] = ("broker",),
        data_dir: Path | str | None = None,
        *,
        ports: Mapping[str, int] | None = None,
        bootstrap_servers: str | None = None,
        registry_auth: str | None = None,
        start_timeout: float = 60.0,
    ) -> None:
        self.services = tuple(services)
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="ksqlmv-stack-"))
        self._ports = dict(ports or {})
        self._bootstrap = bootstrap_servers
        self._registry_auth = registry_auth
        self._timeout = start_timeout
        self._process: subprocess.Popen[str] | None = None
        self.addresses: dict[str, str] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> EmbeddedStack:
        """Start the supervisor and wait for its ready line."""
        command = [
            sys.executable,
            "-m",
            "ksqlmv.local",  # `ksqlmv local`, without importing the rest of the CLI
            "--data-dir",
            str(self.data_dir),
            "--services",
            ",".join(self.services),
            "--watch-pid",  # so a crashed test run does not leave the stack running
            str(os.getpid()),
        ]
        for name, flag in _FLAGS.items():
            command += [flag, str(self._ports.get(name, 0))]
        env = dict(os.environ)
        env.pop("KSQLMV_BOOTSTRAP_SERVERS", None)
        if self._bootstrap:
            command += ["--bootstrap-servers", self._bootstrap]
        if self._registry_auth:
            env["KSQLMV_REGISTRY_AUTH"] = self._registry_auth
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "local.log").open("a")
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, env=env
        )
        log.close()
        ready = self._read_ready_line()
        self.addresses = dict(item.split("=", 1) for item in ready.split())
        for name, address in self.addresses.items():
            # remember the ports so restart() comes back where clients expect it
            self._ports[name] = int(address.rsplit(":", 1)[1])
        return self

    def _read_ready_line(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        found: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(READY_PREFIX):
                    found.append(line[len(READY_PREFIX) :].strip())
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(self._timeout)
        if not found:
            self._terminate()
            raise ExecutionError(
                f"ksqlmv local did not become ready (exit code {process.returncode}): "
                f"{self._last_log_line()}"
            )
        return found[0]

    def _last_log_line(self) -> str:
        path = self.data_dir / "local.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        errors = [line for line in lines if line.startswith("Error:")]
        return (errors or lines or [""])[-1]

    def stop(self) -> int | None:
        """Stop every service (SIGTERM to the supervisor); returns its exit code."""
        return self._terminate()

    def _terminate(self) -> int | None:
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self._process = None
        return process.returncode

    def kill(self, service: str, wait: float = 30.0) -> int | None:
        """`kill -9` one service, wait for the supervisor to stop the rest; its exit code."""
        os.kill(self.pid(service), signal.SIGKILL)
        process = self._process
        assert process is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
        return self._terminate()

    def restart(self) -> EmbeddedStack:
        """Stop (if running) and start again on the same data directory and ports."""
        self._terminate()
        return self.start()

    def close(self) -> None:
        """Stop, and remove the data directory if it was a temporary one."""
        self._terminate()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedStack:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- what clients need -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the supervisor is up."""
        return self._process is not None and self._process.poll() is None

    def pid(self, service: str) -> int:
        """Process id of a running service (from the supervisor's `local.json`)."""
        deadline = time.monotonic() + 5
        while True:
            with contextlib.suppress(OSError, ValueError, KeyError):
                state = json.loads((self.data_dir / STATE_FILE).read_text())
                return int(state[service]["pid"])
            if time.monotonic() > deadline:
                raise ExecutionError(f"{service} is not running in this stack")
            time.sleep(0.05)

    def _address(self, service: str) -> str:
        address = self.addresses.get(service)
        if address is None:
            raise ExecutionError(f"this stack runs no {service} (services: {self.services})")
        return address

    @property
    def bootstrap_servers(self) -> str:
        """`127.0.0.1:PORT` of the broker (or the external one the stack was given)."""
        if self._bootstrap and "broker" not in self.addresses:
            return self._bootstrap
        return self._address("broker")

    @property
    def schema_registry_url(self) -> str:
        """`http://127.0.0.1:PORT` of the registry."""
        return self._address("registry")

    @property
    def ksqldb_url(self) -> str:
        """`http://127.0.0.1:PORT` of the ksqlDB server."""
        return self._address("ksql")
