"""`ksqlmv local`: the embedded stack (broker, registry, ksqlDB server) in the foreground."""

from __future__ import annotations

from pathlib import Path

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]

SERVICES = ("broker", "registry", "ksql")


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
    default=",".join(SERVICES),
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
def command(
    data_dir: Path,
    host: str,
    kafka_port: int,
    registry_port: int,
    ksql_port: int,
    services: str,
    bootstrap_servers: str | None,
) -> None:
    """Start the embedded stack and print a line containing `ready` once it accepts connections."""
    missing("the embedded broker (ksqlmv.broker)")
