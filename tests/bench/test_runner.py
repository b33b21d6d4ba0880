"""`ksqlmv bench` over scripts of its own: real processes, real files, every way a run ends."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ksqlmv.benchmarks import discover, run_benchmark

WRITE = """{doc}
import json, pathlib, sys
RESULTS = pathlib.Path(__file__).resolve().parent / "results" / "{name}.json"
{body}
if __name__ == "__main__":
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(DOCUMENT))
"""
FAST = """
value = 2.0 if "--quick-flag" in sys.argv else 1.0
DOCUMENT = {"figures": [
    {"name": "speed", "value": value, "unit": "x", "target": 1.5},
    {"name": "latency", "value": 3.0, "unit": "ms", "target": 5, "better": "lower"},
]}
"""

SCRIPTS = {
    # a benchmark in the common shape, whose quick run is told apart by its arguments
    "fast": WRITE.format(doc='"""A benchmark in the common shape."""', name="fast", body=FAST),
    "shapeless": WRITE.format(
        doc="", name="shapeless", body="DOCUMENT = {'rows': 10, 'pull': {'p99_ms': 1.5}}"
    ),
    "broken": "import sys\nprint('results would go here')\n"
    "if __name__ == '__main__':\n    print('Error: no broker'); sys.exit(3)\n",
    "silent": "# writes no results file\nif __name__ == '__main__':\n    print('done')\n",
    "helper_common": "# a helper: no main, so not a benchmark\nRESULTS = 'results'\n",
}

HANGS = """
import subprocess, sys, time
# results: never written; it hangs, with a child of its own in its process group
if __name__ == "__main__":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(child.pid, flush=True)
    time.sleep(600)
"""


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "project" / "bench"
    folder.mkdir(parents=True)
    for name, text in SCRIPTS.items():
        (folder / f"{name}.py").write_text(text)
    return folder


def ksqlmv_bench(bench_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ksqlmv", "bench", "--bench-dir", str(bench_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=bench_dir.parent,
    )


def test_discover_takes_scripts_that_run_and_write_results(bench_dir: Path) -> None:
    assert [b.name for b in discover(bench_dir)] == ["broken", "fast", "shapeless", "silent"]
    fast = next(b for b in discover(bench_dir) if b.name == "fast")
    assert fast.summary == "A benchmark in the common shape."


def test_one_table_of_every_figure_and_a_summary(bench_dir: Path) -> None:
    result = ksqlmv_bench(bench_dir)
    assert result.returncode == 1, "two benchmarks did not finish"
    table = result.stdout
    lines = {line.split()[0] + " " + line.split()[1]: line for line in table.splitlines() if line}
    assert lines["fast speed"].split()[2:5] == ["1", "x", ">="]
    assert ">= 1.50" in lines["fast speed"]
    assert "MISSES" in lines["fast speed"]
    assert "<= 5 ms" in lines["fast latency"] and "meets" in lines["fast latency"]
    assert "shapeless rows" in lines and "shapeless pull.p99_ms" in lines
    assert "(failed: exit code 3: Error: no broker)" in table
    assert "(failed: wrote no silent.json)" in table
    assert (
        "4 figures from 2 of 4 benchmarks; 1 of 2 targets met; did not finish: broken, silent"
        in table
    )
    document = json.loads((bench_dir / "results" / "summary.json").read_text())
    assert document["mode"] == "full"
    assert document["targets"] == {"met": 1, "missed": 1}
    assert {name: run["status"] for name, run in document["benchmarks"].items()} == {
        "broken": "failed",
        "fast": "ok",
        "shapeless": "ok",
        "silent": "failed",
    }
    speed = next(f for f in document["figures"] if f["name"] == "speed")
    assert speed == {
        "bench": "fast",
        "name": "speed",
        "value": 1.0,
        "unit": "x",
        "target": 1.5,
        "better": "higher",
        "meets": False,
        "note": "",
    }
    assert "Traceback" not in result.stderr


def test_a_subset_updates_the_summary_and_shows_the_last_run(bench_dir: Path) -> None:
    ksqlmv_bench(bench_dir)
    (bench_dir / "fast.py").write_text(SCRIPTS["fast"].replace("else 1.0", "else 1.8"))
    result = ksqlmv_bench(bench_dir, "fast", "--check")
    assert result.returncode == 0, result.stdout + result.stderr  # every target met now
    speed = next(
        line for line in result.stdout.splitlines() if line.startswith("fast ") and "speed" in line
    )
    assert speed.split()[2] == "1.80"
    assert speed.split()[-1] == "1", "the last run's value"
    assert "meets" in speed
    document = json.loads((bench_dir / "results" / "summary.json").read_text())
    assert set(document["benchmarks"]) == {"broken", "fast", "shapeless", "silent"}
    assert {f["bench"] for f in document["figures"]} == {"fast", "shapeless"}


def test_check_fails_on_a_missed_target(bench_dir: Path) -> None:
    assert ksqlmv_bench(bench_dir, "fast").returncode == 0
    assert ksqlmv_bench(bench_dir, "fast", "--check").returncode == 1


def test_a_quick_run_leaves_the_full_results_in_place(
    bench_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ksqlmv_bench(bench_dir, "fast")
    full = (bench_dir / "results" / "fast.json").read_text()
    monkeypatch.setitem(
        __import__("ksqlmv.benchmarks.catalog", fromlist=["QUICK_ARGUMENTS"]).QUICK_ARGUMENTS,  # type: ignore[arg-type]
        "fast",
        ("--quick-flag",),
    )
    fast = next(b for b in discover(bench_dir) if b.name == "fast")
    outcome = run_benchmark(
        fast, quick=True, results_dir=bench_dir / "results", log_dir=bench_dir / "logs", timeout=60
    )
    assert outcome.status == "ok"
    assert [f.value for f in outcome.figures] == [2.0, 3.0]
    assert (bench_dir / "results" / "fast.json").read_text() == full


def test_unknown_names_and_the_list(bench_dir: Path) -> None:
    result = ksqlmv_bench(bench_dir, "nosuch")
    assert result.returncode == 3
    assert "no benchmark nosuch" in result.stderr and "choose from broken, fast" in result.stderr
    listing = ksqlmv_bench(bench_dir, "--list")
    assert listing.returncode == 0
    assert "fast" in listing.stdout and "A benchmark in the common shape." in listing.stdout


def test_a_benchmark_that_hangs_is_killed_with_its_children(bench_dir: Path) -> None:
    (bench_dir / "hangs.py").write_text(HANGS)
    hangs = next(b for b in discover(bench_dir) if b.name == "hangs")
    began = time.monotonic()
    outcome = run_benchmark(
        hangs, quick=False, results_dir=bench_dir / "results", log_dir=bench_dir / "logs", timeout=3
    )
    assert outcome.status == "timeout"
    assert outcome.error == "did not finish in 3 s"
    assert time.monotonic() - began < 30
    grandchild = int(outcome.log.read_text().split()[0])
    time.sleep(0.2)
    assert not _running(grandchild), "the benchmark's own child was killed with it"


def _running(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for init to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def test_a_script_that_exits_non_zero_after_writing_its_results_still_counts(
    bench_dir: Path,
) -> None:
    strict = WRITE.format(
        doc="", name="strict", body="DOCUMENT = {'figures': [{'name': 'p99', 'value': 12}]}"
    )
    (bench_dir / "strict.py").write_text(strict + "    sys.exit(1)  # a target was missed\n")
    bench = next(b for b in discover(bench_dir) if b.name == "strict")
    outcome = run_benchmark(
        bench,
        quick=False,
        results_dir=bench_dir / "results",
        log_dir=bench_dir / "logs",
        timeout=60,
    )
    assert outcome.status == "ok"
    assert [(f.name, f.value) for f in outcome.figures] == [("p99", 12.0)]
