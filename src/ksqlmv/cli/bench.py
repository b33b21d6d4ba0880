"""`ksqlmv bench`: every benchmark in bench/, one table of figures and targets."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from types import FrameType

import click

from ksqlmv.benchmarks import Outcome, discover, render, run_benchmark, summary
from ksqlmv.benchmarks.report import load_previous, previous_values
from ksqlmv.errors import ConfigError, ValidationError

__all__ = ["command"]

_CHECKOUT = Path(__file__).resolve().parents[3]


def _bench_dir(explicit: Path | None) -> Path:
    """`--bench-dir`, else `./bench`, else the one beside this source checkout."""
    for candidate in (explicit, Path("bench"), _CHECKOUT / "bench"):
        if candidate is not None and candidate.is_dir():
            return candidate.resolve()
    raise ConfigError("no bench/ folder here or beside ksqlmv's sources: give --bench-dir")


@click.command("bench")
@click.argument("names", nargs=-1)
@click.option("--quick", is_flag=True, help="Smaller workloads: the whole chain in minutes.")
@click.option("--list", "list_only", is_flag=True, help="List the benchmarks and stop.")
@click.option("-v", "--verbose", is_flag=True, help="Show each benchmark's own output as it runs.")
@click.option(
    "--check", is_flag=True, help="Exit 1 when a target is missed, not only when a run fails."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds each benchmark may take [default: 600 quick, 2400 full].",
)
@click.option(
    "--bench-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Where the benchmark scripts are [default: ./bench].",
)
def command(
    names: tuple[str, ...],
    quick: bool,
    list_only: bool,
    verbose: bool,
    check: bool,
    timeout: float | None,
    bench_dir: Path | None,
) -> None:
    """Run the benchmarks NAMES (default: every one in bench/), print one table of every figure
    with its target and whether it meets it, and write it to bench/results/summary.json.

    Each benchmark runs on its own, one after another, with its full workload (the one its
    capability was specified with) or, with --quick, a small one. A benchmark that fails or
    times out is shown in the table with its last words; the others still run. The summary keeps
    the figures of benchmarks not run this time, and the table shows each figure's last value.
    """
    folder = _bench_dir(bench_dir)
    known = discover(folder)
    if list_only:
        for bench in known:
            click.echo(f"{bench.name:18} {bench.summary}")
        return
    unknown = sorted(set(names) - {bench.name for bench in known})
    if unknown:
        choices = ", ".join(bench.name for bench in known)
        raise ValidationError(
            f"no benchmark {', '.join(unknown)} in {folder}; choose from {choices}"
        )
    chosen = [bench for bench in known if not names or bench.name in names]
    results = folder / "results"
    summary_path = results / "summary.json"
    previous = load_previous(summary_path)
    log_dir = folder.parent / ".ksqlmv" / "bench"
    limit = timeout or (600.0 if quick else 2400.0)
    stop = _Interrupt()
    started, load_before = time.time(), os.getloadavg()[0]
    outcomes: list[Outcome] = []
    with stop:
        for bench in chosen:
            click.echo(f"{bench.name}: {bench.summary}", err=True)
            outcome = run_benchmark(
                bench,
                quick=quick,
                results_dir=results,
                log_dir=log_dir,
                timeout=limit,
                echo=(lambda line: click.echo(f"  {line}", err=True)) if verbose else None,
                stopped=stop.requested,
            )
            note = outcome.error or f"{len(outcome.figures)} figures"
            click.echo(f"  {outcome.status} in {outcome.seconds:.0f} s: {note}", err=True)
            outcomes.append(outcome)
            if stop.requested():
                break
    click.echo()
    click.echo(render(outcomes, previous_values(previous, quick)))
    document = summary(
        outcomes, quick=quick, load_before=load_before, started=started, previous=previous
    )
    results.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(document, indent=2) + "\n")
    click.echo(f"written to {summary_path}; each benchmark's output in {log_dir}")
    failed = any(outcome.status != "ok" for outcome in outcomes)
    missed = any(figure.meets is False for outcome in outcomes for figure in outcome.figures)
    if failed or (check and missed) or stop.requested():
        raise SystemExit(1)


class _Interrupt:
    """Ctrl-C stops the benchmark in hand (its whole process group) and prints what ran."""

    def __init__(self) -> None:
        self._requested = False
        self._previous: object = None

    def requested(self) -> bool:
        return self._requested

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self._requested = True

    def __enter__(self) -> _Interrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
