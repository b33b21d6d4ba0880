"""`ksqlmv bench`: every benchmark in bench/, one table of figures and targets, and a summary.

```
catalog   which scripts are benchmarks, their order, and the arguments of a quick run
runner    runs one script in its own process group and reads back its results file
figures   Figure (value, unit, target, verdict) and the common JSON shape a script may write
adapters  each existing script's own JSON read as figures with the platform's targets
report    the table, and bench/results/summary.json with every figure for later comparison
```
"""

from __future__ import annotations

from ksqlmv.benchmarks.catalog import Benchmark as Benchmark
from ksqlmv.benchmarks.catalog import discover as discover
from ksqlmv.benchmarks.figures import Figure as Figure
from ksqlmv.benchmarks.report import render as render
from ksqlmv.benchmarks.report import summary as summary
from ksqlmv.benchmarks.runner import Outcome as Outcome
from ksqlmv.benchmarks.runner import read_figures as read_figures
from ksqlmv.benchmarks.runner import run_benchmark as run_benchmark

__all__ = [
    "Benchmark",
    "Figure",
    "Outcome",
    "discover",
    "read_figures",
    "render",
    "run_benchmark",
    "summary",
]
