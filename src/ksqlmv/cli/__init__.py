"""The `ksqlmv` command: thin wrappers over the platform's modules.

Each subcommand lives in its own module; this one builds the root group and turns every
`KsqlmvError` into a one-line message and the exit code of its family (see `ksqlmv.errors`).
"""

from __future__ import annotations

from typing import Any

import click

from ksqlmv import __version__
from ksqlmv.cli import bench, dashboard, demo, local, migrate, simulate, testing
from ksqlmv.errors import KsqlmvError

__all__ = ["cli", "main"]


class _RootGroup(click.Group):
    """Shows a `KsqlmvError` as click shows its own errors, and exits with the family's code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KsqlmvError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ksqlmv")
def cli() -> None:
    """Materialized views on ksqlDB: live dashboards, KSQL migrations and producer simulators,
    against the real stack or the embedded one that `ksqlmv local` starts.
    """


_SUBCOMMANDS: tuple[click.Command, ...] = (
    local.command,
    migrate.command,
    simulate.command,
    dashboard.command,
    demo.command,
    testing.command,
    bench.command,
)
for _command in _SUBCOMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the `ksqlmv` console entry point)."""
    cli.main(args=argv, prog_name="ksqlmv")
