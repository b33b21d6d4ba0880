"""`ksqlmv test`: run ksqlDB test files on the engine, no Kafka and no JVM.

Takes query-validation-test JSON files, folders of them, and ksql-test-runner directories
(`statements.sql`, `input.json`, `output.json`). Prints failures, then pass/fail/skip counts per
file and per family; `--json` prints one object for machines instead. Exits 0 only when nothing
that ran failed.

rest-query-validation-test files (cases with `responses` or `expectedError`) run against a ksqlDB
server over REST instead: `--server URL` (with `--bootstrap-servers` and `--schema-registry-url`
for its broker and registry), or a fresh embedded stack started for the run.
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
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="Run rest-query-validation tests against this ksqlDB server (default: a fresh "
    "embedded stack).",
)
@click.option("--bootstrap-servers", envvar="KSQLMV_BOOTSTRAP_SERVERS", default=None)
@click.option("--schema-registry-url", envvar="KSQLMV_SCHEMA_REGISTRY_URL", default=None)
def command(
    paths: tuple[Path, ...],
    as_json: bool,
    quiet: bool,
    server: str | None = None,
    bootstrap_servers: str | None = None,
    schema_registry_url: str | None = None,
) -> None:
    """Run query-validation tests and ksql-test-runner directories against the engine."""
    from ksqlmv.engine.testing.cases import discover
    from ksqlmv.server.rqtt import is_rest_file, run_rest_paths

    found = list(discover(list(paths)))
    rest = [p for p in found if is_rest_file(p)]
    summary = Summary()
    for result in run_paths([p for p in found if p not in rest]):
        summary.add(result)
    if rest:
        for result in run_rest_paths(
            rest,
            server=server,
            bootstrap_servers=bootstrap_servers,
            schema_registry_url=schema_registry_url,
        ):
            summary.add(result)
    if as_json:
        click.echo(summary.dumps())
    else:
        click.echo(summary.report(show_failures=not quiet))
    sys.exit(0 if summary.ok else 1)
