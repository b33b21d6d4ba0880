"""`ksqlmv test`: run ksqlDB test files on the engine, no Kafka and no JVM."""

from __future__ import annotations

from pathlib import Path

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines.")
def command(paths: tuple[Path, ...], as_json: bool) -> None:
    """Run query-validation tests and ksql-test-runner directories against the engine."""
    missing("the KSQL engine (ksqlmv.engine)")
