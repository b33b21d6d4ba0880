"""`ksqlmv migrate`: versioned KSQL migrations, compatible with ksql-migrations."""

from __future__ import annotations

from pathlib import Path

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.group("migrate")
@click.option(
    "-c",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The project's ksql-migrations.properties.",
)
@click.option(
    "--server", default=None, help="ksqlDB server URL (else KSQLMV_KSQLDB_URL, else the file's)."
)
@click.pass_context
def command(ctx: click.Context, config_file: Path | None, server: str | None) -> None:
    """Apply, plan, validate and roll back versioned KSQL migrations."""
    ctx.obj = {"config_file": config_file, "server": server}


@command.command("apply")
@click.option("-a", "--all", "apply_all", is_flag=True, help="Apply every pending migration.")
def apply(apply_all: bool) -> None:
    """Apply pending migrations."""
    missing("the migrations tool (ksqlmv.migrations)")
