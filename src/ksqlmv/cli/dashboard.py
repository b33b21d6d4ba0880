"""`ksqlmv dashboard`: the Streamlit dashboard against the server KSQLMV_KSQLDB_URL names."""

from __future__ import annotations

import click

from ksqlmv.cli._missing import missing

__all__ = ["command"]


@click.command("dashboard")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
def command(port: int, host: str) -> None:
    """Start the live dashboard."""
    missing("the dashboard (dashboard/app.py)")
