"""Which benchmarks bench/ holds, in which order they run, and how a quick run shrinks each.

A benchmark is a script `bench/<name>.py` that runs as `__main__` and writes its results to
`bench/results/<name>.json`; helpers beside them (`engine_common.py`) are not. A full run passes
no arguments, so every script measures the workload its capability was specified with; a quick
run passes the arguments below, for a check of the whole chain in minutes on two cores.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["QUICK_ARGUMENTS", "Benchmark", "discover"]

# Cheap ones first, so a broken chain shows early; the stack-heavy ones last.
_ORDER = (
    "parser",
    "serde",
    "migrations",
    "registry",
    "simulate",
    "broker",
    "engine_stateless",
    "engine_window",
    "engine_join",
    "server",
    "load",
    "demo",
)

QUICK_ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    "parser": ("--runs", "3"),
    "serde": ("--records", "50000", "--runs", "3"),
    "migrations": ("--runs", "5"),
    "registry": ("--runs", "1"),
    "simulate": ("--seconds", "5", "--runs", "1"),
    "broker": ("--records", "200000", "--repeats", "1", "--latency-seconds", "2", "--no-tansu"),
    "engine_stateless": ("--records", "100000"),
    "engine_window": ("--records", "50000", "--customers", "2000"),
    "engine_join": ("--orders", "100000", "--customers", "10000"),
    "server": ("--runs", "1", "--hold", "10", "--rows", "10000", "--seconds", "3"),
    "load": ("--seconds", "30"),
    "demo": ("--runs", "1"),
}


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One script of bench/."""

    name: str
    script: Path
    summary: str  # the first line of its docstring

    def arguments(self, quick: bool) -> tuple[str, ...]:
        """The script's arguments in the chosen mode."""
        return QUICK_ARGUMENTS.get(self.name, ()) if quick else ()


def discover(bench_dir: Path) -> list[Benchmark]:
    """Every benchmark script in `bench_dir`, in running order (unknown ones last, by name)."""
    found = []
    for script in sorted(bench_dir.glob("*.py")):
        if script.name.startswith("_"):
            continue
        text = script.read_text(errors="replace")
        if "__main__" not in text or "results" not in text:
            continue
        found.append(Benchmark(script.stem, script, _summary(text)))
    rank = {name: index for index, name in enumerate(_ORDER)}
    return sorted(found, key=lambda bench: (rank.get(bench.name, len(rank)), bench.name))


def _summary(text: str) -> str:
    try:
        docstring = ast.get_docstring(ast.parse(text)) or ""
    except SyntaxError:
        return ""
    return docstring.strip().splitlines()[0] if docstring.strip() else ""
