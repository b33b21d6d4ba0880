"""`ksqlmv demo`: the whole platform on the embedded stack, one command."""

from __future__ import annotations

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.command("demo")
def command() -> None:
    """Start the embedded stack, apply ksql/migrations, run the simulators and the dashboard."""
    missing("the embedded broker (ksqlmv.broker)")
