"""The runner knows every benchmark in bench/: how to read it and how to shrink it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ksqlmv.benchmarks import Benchmark, discover
from ksqlmv.benchmarks.adapters import adapter_for
from ksqlmv.benchmarks.catalog import QUICK_ARGUMENTS

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = discover(ROOT / "bench")


def test_bench_holds_the_platform_benchmarks() -> None:
    names = {bench.name for bench in BENCHMARKS}
    assert {"parser", "serde", "registry", "broker", "simulate", "migrations", "demo"} <= names
    assert "engine_common" not in names and "engine_window_quix" not in names


@pytest.mark.parametrize("bench", BENCHMARKS, ids=lambda bench: bench.name)
def test_every_benchmark_is_read_as_figures(bench: Benchmark) -> None:
    name, script = bench.name, bench.script
    writes_common_shape = '"figures"' in script.read_text()
    assert writes_common_shape or adapter_for(name) is not None, (
        f"bench/{name}.py writes neither the common shape nor a shape with an adapter"
    )
    assert bench.summary, f"bench/{name}.py has no docstring"


@pytest.mark.parametrize("bench", BENCHMARKS, ids=lambda bench: bench.name)
def test_quick_arguments_are_flags_the_script_takes(bench: Benchmark) -> None:
    arguments = bench.arguments(quick=True)
    assert arguments or bench.name not in QUICK_ARGUMENTS
    flags = [argument for argument in arguments if argument.startswith("--")]
    if not flags:
        pytest.skip("no quick arguments")
    usage = subprocess.run(
        [sys.executable, str(bench.script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert usage.returncode == 0, usage.stderr
    for flag in flags:
        assert flag in usage.stdout, f"{bench.name} does not take {flag}"
