"""What one `ksqlmv demo` runs, as data: ports, rates, folders, and each step's command line.

Every step is a public `ksqlmv` command, so the demo does nothing a user could not do by hand in
five terminals:

```
KSQLMV_KSQL_PROPERTIES=ksql.streams.processing.guarantee=exactly_once_v2 \
ksqlmv local --data-dir .ksqlmv/demo/stack --kafka-port 9092 --registry-port 8081 --ksql-port 8088
ksqlmv simulate .ksqlmv/demo/history/shop.yaml --start ... --no-pacing --count ...   (history)
ksqlmv simulate .ksqlmv/demo/history/trading.yaml ...
ksqlmv simulate shop --rate 50 --bootstrap-servers ... --schema-registry-url ...
ksqlmv simulate trading --rate 20 ...
ksqlmv migrate -c ksql/ksql-migrations.properties --server ... initialize-metadata
ksqlmv migrate -c ksql/ksql-migrations.properties --server ... apply --all
ksqlmv dashboard --host 127.0.0.1 --port 8501 --ksqldb-url ... --migrations-config ...
```
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ksqlmv.demo.history import History
from ksqlmv.local.services import SERVICES

__all__ = [
    "DEFAULT_PORTS",
    "DEFAULT_RATES",
    "PORT_FLAGS",
    "SERVER_PROPERTIES",
    "Addresses",
    "DemoPlan",
    "server_properties_env",
]

# The embedded stack's own flags and defaults, plus the dashboard's.
PORT_FLAGS: Mapping[str, str] = {
    **{spec.name: spec.port_flag for spec in SERVICES},
    "dashboard": "--dashboard-port",
}
DEFAULT_PORTS: Mapping[str, int] = {
    "broker": 9092,
    "registry": 8081,
    "ksql": 8088,
    "dashboard": 8501,
}
# Comfortable on two cores with every view running: a few orders a second and a trade tape
# whose session-open bursts (eight times the base rate) still leave the engine room to spare.
DEFAULT_RATES: Mapping[str, float] = {"shop": 50.0, "trading": 20.0}
# The demo's ksqlDB server processes exactly once (ksqlDB's default is at least once): each
# query's results, state changes and consumed offsets are committed together, so a crash never
# makes a view count an event twice. docker-compose.yml sets the same for the real stack.
SERVER_PROPERTIES: Mapping[str, str] = {"ksql.streams.processing.guarantee": "exactly_once_v2"}


def server_properties_env() -> dict[str, str]:
    """`SERVER_PROPERTIES` as the environment variable `python -m ksqlmv.server` reads."""
    pairs = " ".join(f"{name}={value}" for name, value in SERVER_PROPERTIES.items())
    return {"KSQLMV_KSQL_PROPERTIES": pairs}


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where the running stack and dashboard answer."""

    bootstrap_servers: str
    schema_registry_url: str
    ksqldb_url: str
    dashboard_url: str = ""


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """One demo run: where its project and data are, which ports and which rates.

    Ports given as 0 are picked free (the stack reports the ones it bound).
    """

    project_dir: Path = Path()
    data_dir: Path = Path(".ksqlmv/demo")
    host: str = "127.0.0.1"
    ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    fresh: bool = False
    dashboard: bool = True
    history_minutes: float = 5.0  # of traffic sent before the live run, on a new data directory

    def port(self, name: str) -> int:
        """The port asked for `name` (broker, registry, ksql, dashboard); 0 means any free one."""
        return self.ports.get(name, DEFAULT_PORTS[name])

    @property
    def log_dir(self) -> Path:
        """Where each step's output goes, one file per step."""
        return self.data_dir / "logs"

    @property
    def migrations_config(self) -> Path:
        """The project's ksql-migrations.properties."""
        return self.project_dir / "ksql" / "ksql-migrations.properties"

    # -- command lines (arguments after `ksqlmv`) ---------------------------------------------

    def stack_command(self) -> list[str]:
        """`ksqlmv local` on the demo's data directory and ports."""
        arguments = ["local", "--data-dir", str(self.data_dir.resolve() / "stack")]
        arguments += ["--host", self.host]
        for spec in SERVICES:
            arguments += [spec.port_flag, str(self.port(spec.name))]
        return arguments

    @property
    def producers_dir(self) -> Path:
        """The project's simulator scenarios."""
        return self.project_dir.resolve() / "producers"

    def simulate_command(self, scenario: str, at: Addresses) -> list[str]:
        """`ksqlmv simulate SCENARIO` at the demo's rate, into the stack."""
        arguments = ["simulate", scenario, "--rate", f"{self.rates[scenario]:g}"]
        arguments += ["--producers-dir", str(self.producers_dir)]
        return arguments + self.stack_flags(at)

    def history_command(self, history: History, at: Addresses) -> list[str]:
        """`ksqlmv simulate` sending one scenario's history (see `history.py`)."""
        return history.arguments() + self.stack_flags(at)

    @staticmethod
    def stack_flags(at: Addresses) -> list[str]:
        """Where a simulator finds the broker and the registry."""
        return [
            *("--bootstrap-servers", at.bootstrap_servers),
            *("--schema-registry-url", at.schema_registry_url),
        ]

    def migrate_command(self, at: Addresses, *action: str) -> list[str]:
        """`ksqlmv migrate ACTION...` on the project's migrations, against the stack's server."""
        config = str(self.migrations_config.resolve())
        return ["migrate", "-c", config, "--server", at.ksqldb_url, *action]

    def dashboard_command(self, port: int, at: Addresses) -> list[str]:
        """`ksqlmv dashboard` on `port`, against the stack's server and the project's migrations."""
        return [
            *("dashboard", "--host", self.host, "--port", str(port)),
            *("--ksqldb-url", at.ksqldb_url),
            *("--migrations-config", str(self.migrations_config.resolve())),
        ]

    def environment(self, at: Addresses | None = None) -> dict[str, str]:
        """The children's environment: this one without any `KSQLMV_*` setting (the demo runs
        its own stack, never a cluster the shell points at, and passes no credentials), plus the
        stack's addresses once it is up."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("KSQLMV_")}
        if at is not None:
            env["KSQLMV_BOOTSTRAP_SERVERS"] = at.bootstrap_servers
            env["KSQLMV_SCHEMA_REGISTRY_URL"] = at.schema_registry_url
            env["KSQLMV_KSQLDB_URL"] = at.ksqldb_url
        return env

    def stack_environment(self) -> dict[str, str]:
        """`environment()` for `ksqlmv local`, with the server's properties."""
        return {**self.environment(), **server_properties_env()}
