"""The one table of every figure, and bench/results/summary.json for comparison across runs.

```
bench     figure                        value       unit        target       verdict  last run
broker    produce                       405,803     records/s                          398,120
broker    produce / client ceiling      4.54        x           >= 0.70      meets     4.41
server    pull p99                      12.4        ms          <= 10 ms     MISSES    9.8
server    (failed: exit code 1: ...)
```
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ksqlmv.benchmarks.figures import Figure, format_number
from ksqlmv.benchmarks.runner import Outcome

__all__ = ["load_previous", "previous_values", "render", "summary"]

_VERDICT = {True: "meets", False: "MISSES", None: ""}
_HEADERS = ("bench", "figure", "value", "unit", "target", "verdict", "last run")


def load_previous(path: Path) -> dict[str, Any]:
    """An earlier summary.json; empty if there is none (or it does not read)."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def previous_values(document: Mapping[str, Any], quick: bool) -> dict[tuple[str, str], float]:
    """Each figure's value in an earlier summary, by (bench, figure), from runs of the same
    mode only: a quick run's figures do not compare with a full run's."""
    mode = "quick" if quick else "full"
    runs = document.get("benchmarks") or {}
    same = {
        name
        for name, entry in runs.items()
        if isinstance(entry, dict) and entry.get("mode") == mode
    }
    previous: dict[tuple[str, str], float] = {}
    for entry in document.get("figures") or []:
        if not isinstance(entry, dict) or entry.get("bench") not in same:
            continue
        value = entry.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            previous[(str(entry.get("bench")), str(entry.get("name")))] = float(value)
    return previous


def render(outcomes: Sequence[Outcome], previous: Mapping[tuple[str, str], float]) -> str:
    """Every figure of every benchmark as one aligned table, then the count of targets met."""
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        if outcome.status != "ok":
            rows.append((outcome.bench, f"({outcome.status}: {outcome.error})"))
            continue
        if not outcome.figures:
            rows.append((outcome.bench, "(no figures)"))
        for figure in outcome.figures:
            rows.append(_row(figure, previous.get((figure.bench, figure.name))))
    full = [row for row in rows if len(row) == len(_HEADERS)]
    widths = [
        max([len(header), *(len(row[index]) for row in full)])
        for index, header in enumerate(_HEADERS)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths, strict=True)).rstrip()]
    for row in rows:
        if len(row) == 2:  # a benchmark without figures: its note runs across the columns
            lines.append(f"{row[0].ljust(widths[0])}  {row[1]}")
            continue
        cells = [
            cell.rjust(width) if index == 2 or index == 6 else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    figures = [figure for outcome in outcomes for figure in outcome.figures]
    judged = [figure.meets for figure in figures if figure.meets is not None]
    failed = [outcome.bench for outcome in outcomes if outcome.status != "ok"]
    lines.append("")
    lines.append(
        f"{len(figures)} figures from {len(outcomes) - len(failed)} of {len(outcomes)} "
        f"benchmarks; {sum(judged)} of {len(judged)} targets met"
        + (f"; did not finish: {', '.join(failed)}" if failed else "")
    )
    return "\n".join(lines)


def _row(figure: Figure, before: float | None) -> tuple[str, ...]:
    value = format_number(figure.value) if figure.value is not None else "-"
    if figure.value is None and figure.note:
        value = f"- ({figure.note})"
    return (
        figure.bench,
        figure.name,
        value,
        figure.unit,
        figure.target_text,
        _VERDICT[figure.meets],
        format_number(before) if before is not None else "",
    )


def summary(
    outcomes: Sequence[Outcome],
    *,
    quick: bool,
    load_before: float,
    started: float,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole table as JSON: when and how it ran, each benchmark's run, every figure.

    Benchmarks not run this time keep their entries and figures from `previous` (an earlier
    summary), so a run of a subset updates the table instead of shrinking it.
    """
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))
    mode = "quick" if quick else "full"
    ran = {outcome.bench for outcome in outcomes}
    earlier = previous or {}
    benchmarks = {
        name: entry for name, entry in (earlier.get("benchmarks") or {}).items() if name not in ran
    }
    figures = [entry for entry in earlier.get("figures") or [] if entry.get("bench") not in ran]
    for outcome in outcomes:
        benchmarks[outcome.bench] = {"created": created, "mode": mode, **outcome.as_dict()}
        figures += [figure.as_dict() for figure in outcome.figures]
    verdicts = [entry.get("meets") for entry in figures if entry.get("meets") is not None]
    return {
        "created": created,
        "mode": mode,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": round(load_before, 2),
        },
        "benchmarks": benchmarks,
        "figures": figures,
        "targets": {"met": verdicts.count(True), "missed": verdicts.count(False)},
    }
