"""`ksqlmv simulate`: producer simulators that push Avro through Schema Registry."""

from __future__ import annotations

import itertools
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from ksqlmv.cli._options import settings_from
from ksqlmv.simulate import (
    RunOptions,
    Simulation,
    Stop,
    json_lines,
    load_scenario,
    parse_instant,
    run,
)
from ksqlmv.simulate.progress import LineDisplay, LiveDisplay
from ksqlmv.simulate.traffic import SpecError

__all__ = ["command"]


def _positive(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise click.BadParameter("must be greater than 0")
    return value


def _not_negative(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise click.BadParameter("cannot be negative")
    return value


@click.command("simulate")
@click.argument("scenario")
@click.option("--rate", type=float, default=None, callback=_positive, help="Events per second.")
@click.option(
    "--count", type=int, default=None, callback=_not_negative, help="Stop after this many events."
)
@click.option(
    "--duration", type=float, default=None, callback=_positive, help="Stop after this many seconds."
)
@click.option("--seed", type=int, default=None, help="Make the generated events repeatable.")
@click.option(
    "--dry-run",
    type=int,
    default=None,
    callback=_not_negative,
    help="Print this many events as JSON, no broker.",
)
@click.option(
    "--start",
    default=None,
    help="Event time of the first event: ISO-8601 or 'now' "
    "[default: now; for a dry run, the scenario's start].",
)
@click.option(
    "--no-pacing",
    is_flag=True,
    help="Send as fast as the broker takes records (event time still follows the rate).",
)
@click.option(
    "--producers-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("producers"),
    show_default=True,
    help="Where scenario files are.",
)
@click.option(
    "--timeout",
    type=float,
    default=10.0,
    show_default=True,
    callback=_positive,
    help="Seconds a record may wait for its acknowledgement (connection checks take at most 5).",
)
@click.option(
    "--bootstrap-servers",
    envvar="KSQLMV_BOOTSTRAP_SERVERS",
    help="Kafka bootstrap servers [env KSQLMV_BOOTSTRAP_SERVERS; default localhost:9092]",
)
@click.option(
    "--schema-registry-url",
    envvar="KSQLMV_SCHEMA_REGISTRY_URL",
    help="Schema Registry URL [env KSQLMV_SCHEMA_REGISTRY_URL; default http://localhost:8081]",
)
def command(
    scenario: str,
    rate: float | None,
    count: int | None,
    duration: float | None,
    seed: int | None,
    dry_run: int | None,
    start: str | None,
    no_pacing: bool,
    producers_dir: Path,
    timeout: float,
    bootstrap_servers: str | None,
    schema_registry_url: str | None,
) -> None:
    """Run the producer simulator SCENARIO (a file in producers/, or a path to one).

    The scenario is checked in full first. Then its topics are created, its schemas registered
    and events sent at the scenario's rate until --count or --duration is reached, or Ctrl-C,
    which flushes and prints a summary. Without --seed a random seed is used and printed.
    """
    loaded = load_scenario(scenario, producers_dir)
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    if dry_run is not None:
        first = _instant(start) if start else loaded.start_ms
        simulation = Simulation(loaded, seed=seed, start_ms=first, rate=rate)
        try:
            for line in json_lines(itertools.islice(simulation, dry_run), loaded.topics):
                click.echo(line)
        except SpecError as error:  # a scenario function failed after the checks passed
            raise loaded.error([error]) from None
        return
    settings = settings_from(
        bootstrap_servers=bootstrap_servers, schema_registry_url=schema_registry_url
    )
    options = RunOptions(
        seed=seed,
        start_ms=_instant(start) if start else _now_ms(),
        rate=rate,
        count=count,
        duration=duration,
        pacing=not no_pacing,
        timeout=timeout,
    )
    display = LiveDisplay(sys.stderr) if sys.stderr.isatty() else LineDisplay(sys.stderr)
    click.echo(
        f"simulating {loaded.name} into {settings.bootstrap_servers} "
        f"(registry {settings.schema_registry_url}), seed {seed}",
        err=True,
    )
    stop = Stop()
    handlers = {number: signal.signal(number, _stopper(stop)) for number in _STOP_SIGNALS}
    try:
        summary = run(loaded, settings, options, display, stop)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    click.echo(summary.render())


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stopper(stop: Stop) -> Callable[[int, FrameType | None], None]:
    """Ctrl-C, `kill` and `docker stop` end a run after the record in hand: flush, then the
    summary. A second one stops at once."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.request()

    return handle


def _instant(text: str) -> int:
    if text == "now":
        return _now_ms()
    try:
        return parse_instant(text)
    except SpecError as error:
        raise click.BadParameter(error.message, param_hint="--start") from None


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
