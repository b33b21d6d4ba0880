"""`ksqlmv bench`: every benchmark in bench/, one table of figures and targets."""

from __future__ import annotations

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.command("bench")
def command() -> None:
    """Run the benchmarks and print their figures next to their targets."""
    missing("the benchmarks (bench/)")
