"""The services `ksqlmv local` can start, as data: module, port flag, command line.

Each entry's arguments are templates filled from the `StackPlan` (`{host}`, `{port}`,
`{data_dir}`, `{bootstrap_servers}`, `{schema_registry_url}`, `{registry_auth}`). Services start
in table order, so a later one can use the addresses an earlier one reported: the registry and
the ksqlDB server get the broker's real bootstrap address, the server gets the registry's URL.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SERVICES", "ServiceSpec", "StackPlan", "service"]


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """How to run one service under the supervisor."""

    name: str
    module: str
    port_flag: str  # the `ksqlmv local` flag that sets its port
    scheme: str | None  # None: the address is HOST:PORT (Kafka); else a URL scheme
    arguments: tuple[str, ...]
    # (plan value, extra argument templates) added only when that value is set
    optional: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def address(self, host: str, port: int) -> str:
        """How clients reach it: `127.0.0.1:9092` or `http://127.0.0.1:8081`."""
        plain = f"{host}:{port}"
        return plain if self.scheme is None else f"{self.scheme}://{plain}"

    def installed(self) -> bool:
        """Whether this build of ksqlmv has the service's module."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def command(self, values: Mapping[str, str | None]) -> list[str]:
        """The process arguments after `python -m <module>`."""
        arguments = [template.format_map(values) for template in self.arguments]
        for name, templates in self.optional:
            if values.get(name):
                arguments += [template.format_map(values) for template in templates]
        return arguments


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        "broker",
        "ksqlmv.broker",
        "--kafka-port",
        None,
        ("--host", "{host}", "--port", "{port}", "--data-dir", "{data_dir}/broker"),
    ),
    ServiceSpec(
        "registry",
        "ksqlmv.registry",
        "--registry-port",
        "http",
        ("--host", "{host}", "--port", "{port}", "--bootstrap-servers", "{bootstrap_servers}"),
        optional=(("registry_auth", ("--auth", "{registry_auth}")),),
    ),
    ServiceSpec(
        "ksql",
        "ksqlmv.server",
        "--ksql-port",
        "http",
        (
            "--host",
            "{host}",
            "--port",
            "{port}",
            "--bootstrap-servers",
            "{bootstrap_servers}",
            "--schema-registry-url",
            "{schema_registry_url}",
            "--data-dir",
            "{data_dir}/ksql",
        ),
    ),
)


def service(name: str) -> ServiceSpec:
    """The table entry called `name`."""
    return next(spec for spec in SERVICES if spec.name == name)


@dataclass(frozen=True, slots=True)
class StackPlan:
    """What one `ksqlmv local` run starts, and with which settings."""

    data_dir: Path
    host: str = "127.0.0.1"
    services: tuple[str, ...] = tuple(spec.name for spec in SERVICES)
    ports: Mapping[str, int] = field(default_factory=dict)
    bootstrap_servers: str | None = None  # an external broker: the embedded one is not started
    schema_registry_url: str | None = None  # used when no registry is started
    registry_auth: str | None = None
    watch_pid: int | None = None  # stop everything once this process is gone (the harness's)

    def to_start(self) -> tuple[ServiceSpec, ...]:
        """The services to run, in table order (no broker when an external one is given)."""
        wanted = set(self.services)
        return tuple(
            spec
            for spec in SERVICES
            if spec.name in wanted and not (spec.name == "broker" and self.bootstrap_servers)
        )
