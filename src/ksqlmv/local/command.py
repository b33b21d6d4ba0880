"""`ksqlmv local`: the embedded stack (broker, registry, ksqlDB server) in the foreground.

The command lives here, beside the supervisor, so `python -m ksqlmv.local` runs it without
importing the rest of the CLI; `ksqlmv.cli.local` puts the same command under `ksqlmv`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from ksqlmv.local.services import SERVICES, StackPlan
from ksqlmv.local.supervisor import Supervisor

__all__ = ["command"]


@click.command("local")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".ksqlmv"),
    show_default=True,
    help="Where the services keep their data.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--kafka-port", type=int, default=9092, show_default=True)
@click.option("--registry-port", type=int, default=8081, show_default=True)
@click.option("--ksql-port", type=int, default=8088, show_default=True)
@click.option(
    "--services",
    default=",".join(spec.name for spec in SERVICES),
    show_default=True,
    help="Comma-separated services to start.",
)
@click.option(
    "--bootstrap-servers",
    envvar="KSQLMV_BOOTSTRAP_SERVERS",
    default=None,
    help="Run against this external Kafka-compatible broker instead of the embedded one "
    "[env KSQLMV_BOOTSTRAP_SERVERS].",
)
@click.option(
    "--watch-pid",
    type=int,
    default=None,
    hidden=True,  # for EmbeddedStack: a crashed test run must not leave a stack behind
    help="Stop the stack when this process exits.",
)
@click.option(
    "--registry-auth",
    envvar="KSQLMV_REGISTRY_AUTH",
    default=None,
    metavar="USER:PASSWORD",
    help="Require HTTP basic auth on the registry [env KSQLMV_REGISTRY_AUTH].",
)
def command(
    data_dir: Path,
    host: str,
    kafka_port: int,
    registry_port: int,
    ksql_port: int,
    services: str,
    bootstrap_servers: str | None,
    watch_pid: int | None,
    registry_auth: str | None,
) -> None:
    """Start the embedded stack and print a line containing `ready` once it accepts connections.

    Ports given as 0 are picked free; the ready line shows the real ones. SIGINT or SIGTERM
    stops every service.
    """
    plan = StackPlan(
        data_dir=data_dir,
        host=host,
        services=tuple(name.strip() for name in services.split(",") if name.strip()),
        ports={"broker": kafka_port, "registry": registry_port, "ksql": ksql_port},
        bootstrap_servers=bootstrap_servers or None,
        registry_auth=registry_auth or None,
        watch_pid=watch_pid,
    )
    asyncio.run(Supervisor(plan).run())
