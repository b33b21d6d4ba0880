"""`ksqlmv dashboard`: the Streamlit dashboard against the server KSQLMV_KSQLDB_URL names.

The dashboard is the `dashboard/` folder of a ksqlmv project (`dashboard/app.py`), looked for in
the current folder first, then next to this source checkout. The command replaces itself with
`python -m streamlit run dashboard/app.py`, so signals (Ctrl-C, a container's SIGTERM) reach
Streamlit directly. Streamlit answers `GET /_stcore/health` with `ok` once it serves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from ksqlmv.cli._options import ksqldb_url_option
from ksqlmv.errors import ConfigError, PortInUseError
from ksqlmv.local.ports import port_holder, port_in_use

__all__ = [
    "MIGRATIONS_CONFIG_ENV",
    "command",
    "dashboard_environment",
    "find_app",
    "streamlit_command",
]

MIGRATIONS_CONFIG_ENV = "KSQLMV_MIGRATIONS_CONFIG"
"""The migrations project the Flow and Migrations pages read (its ksql-migrations.properties)."""

_CHECKOUT = Path(__file__).resolve().parents[3]


def find_app(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """`--app`, else `./dashboard/app.py`, else the one beside this source checkout."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"dashboard app {explicit} does not exist")
        return explicit.resolve()
    for base in (cwd or Path.cwd(), _CHECKOUT):
        candidate = base / "dashboard" / "app.py"
        if candidate.is_file():
            return candidate.resolve()
    raise ConfigError(
        "no dashboard/app.py here or beside ksqlmv's sources: run from the project's folder "
        "or pass --app PATH"
    )


def streamlit_command(app: Path, *, port: int, host: str) -> list[str]:
    """The command line that serves `app` on `host:port`, headless, without telemetry."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def dashboard_environment(
    ksqldb_url: str | None,
    migrations_config: Path | None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment the dashboard runs with: the server URL and migrations project if given."""
    environment = dict(os.environ if base is None else base)
    if ksqldb_url:
        environment["KSQLMV_KSQLDB_URL"] = ksqldb_url
    if migrations_config is not None:
        environment[MIGRATIONS_CONFIG_ENV] = str(migrations_config.resolve())
    return environment


@click.command("dashboard")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@ksqldb_url_option
@click.option(
    "--migrations-config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar=MIGRATIONS_CONFIG_ENV,
    help="The project's ksql-migrations.properties, for the Flow and Migrations pages "
    f"[env {MIGRATIONS_CONFIG_ENV}; default ./ksql/ksql-migrations.properties].",
)
@click.option(
    "--app",
    "app_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The dashboard's app.py [default ./dashboard/app.py].",
)
def command(
    port: int,
    host: str,
    ksqldb_url: str | None,
    migrations_config: Path | None,
    app_path: Path | None,
) -> None:
    """Start the live dashboard."""
    app = find_app(app_path)
    if port_in_use(host, port):
        raise PortInUseError(port, "--port", port_holder(port))
    arguments = streamlit_command(app, port=port, host=host)
    environment = dashboard_environment(ksqldb_url, migrations_config)
    server = environment.get("KSQLMV_KSQLDB_URL", "http://localhost:8088")
    click.echo(f"dashboard: http://{host}:{port} (ksqlDB at {server})")
    sys.stdout.flush()
    os.execve(sys.executable, arguments, environment)  # noqa: S606 - our own command line
