"""The `ksqlmv` command: thin wrappers over the platform's modules.

Each subcommand lives in its own module, imported only when that subcommand runs (or when the
help lists them), so `ksqlmv migrate` does not pay for importing the engine. This module builds
the root group and turns every `KsqlmvError` into a one-line message and the exit code of its
family (see `ksqlmv.errors`).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from ksqlmv import __version__
from ksqlmv.errors import KsqlmvError

__all__ = ["cli", "main"]


SUBCOMMANDS: dict[str, str] = {
    "local": "ksqlmv.cli.local",
    "migrate": "ksqlmv.cli.migrate",
    "simulate": "ksqlmv.cli.simulate",
    "dashboard": "ksqlmv.cli.dashboard",
    "demo": "ksqlmv.cli.demo",
    "test": "ksqlmv.cli.testing",
    "bench": "ksqlmv.cli.bench",
}
"""Subcommand name to the module whose `command` implements it."""


class _RootGroup(click.Group):
    """Loads subcommands on demand, shows a `KsqlmvError` as click shows its own errors, and
    exits with the family's code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*SUBCOMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = SUBCOMMANDS.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        command: click.Command = importlib.import_module(module).command
        return command

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


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the `ksqlmv` console entry point)."""
    cli.main(args=argv, prog_name="ksqlmv")
