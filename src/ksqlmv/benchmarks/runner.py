"""Running benchmark scripts one after another and reading back what each one measured.

Each script runs as `python bench/<name>.py [quick arguments]` in its own process group (it may
start an embedded stack; a timeout kills the whole group), with its output in
`<log_dir>/<name>.log`. Its figures come from `bench/results/<name>.json`, and only if this run
wrote that file: a script that fails leaves the previous run's file in place, which must not pass
for a fresh result. A quick run puts the file back as it was once its figures are read, so the
detailed results of the last full run stay.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ksqlmv.benchmarks.adapters import adapter_for
from ksqlmv.benchmarks.catalog import Benchmark
from ksqlmv.benchmarks.figures import Figure, common_figures, numeric_leaves
from ksqlmv.demo.processes import Child

__all__ = ["Outcome", "read_figures", "run_benchmark"]

_POLL = 0.2
_STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running one benchmark gave: its figures, or why there are none."""

    bench: str
    status: str  # ok, failed, timeout, stopped
    seconds: float
    figures: tuple[Figure, ...]
    log: Path
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        """The run's record in summary.json (figures are listed apart)."""
        return {
            "status": self.status,
            "seconds": round(self.seconds, 1),
            "error": self.error,
            "log": str(self.log),
        }


def read_figures(bench: str, path: Path) -> list[Figure]:
    """The figures in a results document: common shape, the bench's adapter, or every number."""
    document = json.loads(path.read_text())
    if not isinstance(document, dict):
        return []
    if "figures" in document:
        return common_figures(bench, document)
    adapter = adapter_for(bench)
    return adapter(bench, document) if adapter else numeric_leaves(bench, document)


def run_benchmark(
    bench: Benchmark,
    *,
    quick: bool,
    results_dir: Path,
    log_dir: Path,
    timeout: float,
    echo: Callable[[str], None] | None = None,
    stopped: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Run one script to completion (or `timeout`), passing its output lines to `echo`."""
    results = results_dir / f"{bench.name}.json"
    # a quick run leaves the script's own results file as a full run wrote it
    kept = results.read_bytes() if quick and results.exists() else None
    began = time.time()
    command = [sys.executable, str(bench.script), *bench.arguments(quick)]
    child = Child.spawn(
        bench.name, command, log_dir=log_dir, env=dict(os.environ), cwd=bench.script.parent.parent
    )
    deadline = time.monotonic() + timeout
    status = "ok"
    while child.running:
        for line in child.new_lines():
            if echo is not None:
                echo(line)
        if stopped():
            status = "stopped"
            break
        if time.monotonic() >= deadline:
            status = "timeout"
            break
        time.sleep(_POLL)
    child.stop(_STOP_TIMEOUT)
    for line in child.new_lines():
        if echo is not None:
            echo(line)
    seconds = time.time() - began
    fresh = results.exists() and results.stat().st_mtime >= began
    if status == "ok" and child.returncode != 0 and not fresh:
        status = "failed"
    error = {
        "timeout": f"did not finish in {timeout:.0f} s",
        "stopped": "stopped",
        "failed": f"exit code {child.returncode}: {child.last_line()}",
    }.get(status, "")
    figures: list[Figure] = []
    if status == "ok":
        # a script may exit non-zero for a missed target after writing its results: the table
        # says which targets were missed, so its figures count
        if fresh:
            try:
                figures = read_figures(bench.name, results)
            except (ValueError, OSError) as problem:
                status, error = "failed", f"{results.name} does not read: {problem}"
        else:
            status, error = "failed", f"wrote no {results.name}"
    if quick:
        if kept is not None:
            results.write_bytes(kept)
        elif status == "ok":
            results.unlink(missing_ok=True)
    return Outcome(bench.name, status, seconds, tuple(figures), child.log, error)
