"""`ksqlmv demo`: the whole platform on the embedded stack, one command (see `ksqlmv.demo`)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from ksqlmv.demo import Demo, DemoPlan
from ksqlmv.demo.plan import DEFAULT_PORTS, DEFAULT_RATES
from ksqlmv.errors import ConfigError

__all__ = ["command"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_STOP_MESSAGES = {
    "stopping": "stopping (Ctrl-C again to kill at once)",
    "killing": "killing what is left",
}


def _port(name: str, flag: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    return click.option(
        flag,
        f"{name}_port",
        type=click.IntRange(0, 65535),
        default=DEFAULT_PORTS[name],
        show_default=True,
        help="0 picks a free port.",
    )


def _rate(name: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    return click.option(
        f"--{name}-rate",
        f"{name}_rate",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_RATES[name],
        show_default=True,
        help=f"Events per second of the {name} simulator.",
    )


@click.command("demo")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".ksqlmv/demo"),
    show_default=True,
    help="Where the stack keeps its data and every process its log.",
)
@click.option("--fresh", is_flag=True, help="Delete the data directory first: start from nothing.")
@click.option("--no-dashboard", is_flag=True, help="Run everything but the dashboard.")
@_port("broker", "--kafka-port")
@_port("registry", "--registry-port")
@_port("ksql", "--ksql-port")
@_port("dashboard", "--dashboard-port")
@_rate("shop")
@_rate("trading")
@click.option(
    "--history",
    "history_minutes",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Minutes of traffic sent before the live run, when the data directory is new (0: none).",
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path(),
    show_default=True,
    help="The project whose ksql/ and producers/ to run.",
)
def command(
    data_dir: Path,
    fresh: bool,
    no_dashboard: bool,
    broker_port: int,
    registry_port: int,
    ksql_port: int,
    dashboard_port: int,
    shop_rate: float,
    trading_rate: float,
    history_minutes: float,
    project_dir: Path,
) -> None:
    """Start the embedded stack, run the shop and trading simulators, apply ksql/migrations and
    open the live dashboard; print the URLs and what to look at.

    Runs in the foreground until Ctrl-C, which stops every process it started (a second Ctrl-C
    kills them at once). A port already in use is reported with the process that holds it.
    Data stays in --data-dir between runs, so a second run starts where the first stopped.
    """
    for needed in ("ksql/ksql-migrations.properties", "producers"):
        if not (project_dir / needed).exists():
            raise ConfigError(
                f"{project_dir.resolve() / needed} not found: run ksqlmv demo in the project's "
                "folder (the one with ksql/ and producers/), or give --project-dir"
            )
    plan = DemoPlan(
        project_dir=project_dir,
        data_dir=data_dir,
        ports={
            "broker": broker_port,
            "registry": registry_port,
            "ksql": ksql_port,
            "dashboard": dashboard_port,
        },
        rates={"shop": shop_rate, "trading": trading_rate},
        fresh=fresh,
        dashboard=not no_dashboard,
        history_minutes=history_minutes,
    )
    demo = Demo(plan, sys.stdout, _say)

    def stop(signum: int, frame: FrameType | None) -> None:
        action = demo.request_stop()
        if action:
            _say(_STOP_MESSAGES[action])

    handlers = {number: signal.signal(number, stop) for number in _STOP_SIGNALS}
    try:
        demo.run()
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    _say("stopped")


def _say(line: str) -> None:
    click.echo(f"ksqlmv demo: {line}", err=True)
