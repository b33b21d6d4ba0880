"""`ksqlmv test`: run ksqlDB test files on the engine, no Kafka and no JVM.

Takes query-validation-test JSON files, folders of them, and ksql-test-runner directories
(`statements.sql`, `input.json`, `output.json`). Prints failures, then pass/fail/skip counts per
file and per family; `--json` prints one object for machines instead. Exits 0 only when nothing
that ran failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ksqlmv.engine.testing.runner import Summary, run_paths

__all__ = ["command"]


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines.")
@click.option("--quiet", is_flag=True, help="Leave out the list of failed cases.")
def command(paths: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Run query-validation tests and ksql-test-runner directories against the engine."""
    summary = Summary()
    for result in run_paths(paths):
        summary.add(result)
    if as_json:
        click.echo(summary.dumps())
    else:
        click.echo(summary.report(show_failures=not quiet))
    sys.exit(0 if summary.ok else 1)
