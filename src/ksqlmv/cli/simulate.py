"""`ksqlmv simulate`: producer simulators that push Avro through Schema Registry."""

from __future__ import annotations

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.command("simulate")
@click.argument("scenario")
@click.option("--rate", type=float, default=None, help="Events per second.")
@click.option("--count", type=int, default=None, help="Stop after this many events.")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option("--seed", type=int, default=None, help="Make the generated events repeatable.")
@click.option(
    "--dry-run", type=int, default=None, help="Print this many events as JSON, no broker."
)
def command(
    scenario: str,
    rate: float | None,
    count: int | None,
    duration: float | None,
    seed: int | None,
    dry_run: int | None,
) -> None:
    """Run the producer simulator SCENARIO (a file in producers/)."""
    missing("the simulator (ksqlmv.simulate)")
