"""How long `ksqlmv demo` takes to be ready, to fill every view, and to stop.

Each run starts `ksqlmv demo --fresh` on free ports in a temporary data directory, as a user
would from the checkout (installation already done), and measures from the command's start:

- ready: the `ksqlmv demo ready:` line (stack, history, simulators, migrations, dashboard up);
  target: at most 60 s;
- every view with rows: each view defined in ksql/migrations answers a pull query with rows;
- stop: from Ctrl-C (SIGINT) to the command's exit, with every process it started gone.

Figures are medians over the runs; results go to bench/results/demo.json (common shape).

    .venv/bin/python bench/demo.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ksqlmv.client import KsqlClient
from ksqlmv.demo import READY_PREFIX_DEMO, project_views

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "demo.json"
READY_TARGET_S = 60.0
FREE_PORTS = ["--kafka-port", "0", "--registry-port", "0", "--ksql-port", "0"]
FREE_PORTS += ["--dashboard-port", "0"]


def one_run(data_dir: Path) -> dict[str, float]:
    """Start, wait for ready and for rows in every view, stop; seconds of each step."""
    views = [view.name for view in project_views(ROOT / "ksql" / "migrations")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")}
    command = [sys.executable, "-m", "ksqlmv", "demo", "--fresh", "--data-dir", str(data_dir)]
    started = time.monotonic()
    process = subprocess.Popen(
        command + FREE_PORTS,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    ready: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(READY_PREFIX_DEMO) and not ready:
                ready.append(line[len(READY_PREFIX_DEMO) :])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not ready:
            if process.poll() is not None:
                raise SystemExit(f"ksqlmv demo exited with {process.returncode}; see {data_dir}")
            if time.monotonic() - started > 300:
                raise SystemExit("ksqlmv demo was not ready within 300 s")
            time.sleep(0.05)
        ready_s = time.monotonic() - started
        addresses = dict(pair.split("=", 1) for pair in ready[0].split())
        empty = set(views)
        with KsqlClient(addresses["ksql"]) as client:
            while empty and time.monotonic() - started < 300:
                empty = {name for name in empty if not len(client.pull(f"SELECT * FROM {name};"))}
                time.sleep(0.1)
        filled_s = time.monotonic() - started
        stopping = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(120)
        stop_s = time.monotonic() - stopping
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(5)
        assert process.stdout is not None
        process.stdout.close()
    if empty or code != 0:
        raise SystemExit(f"views without rows: {sorted(empty)}; exit code {code}")
    return {"ready_s": ready_s, "filled_s": filled_s, "stop_s": stop_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="ksqlmv-demo-bench-") as folder:
            runs.append(one_run(Path(folder) / "demo"))
        print(f"run {number + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1].items()))
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"ksqlmv demo, medians of {args.runs} runs (load average before {load_before:.2f}):")
    print(f"  ready after           {median['ready_s']:6.1f} s  (target <= {READY_TARGET_S:g} s)")
    print(f"  every view with rows  {median['filled_s']:6.1f} s")
    print(f"  stopped after Ctrl-C  {median['stop_s']:6.1f} s")
    figures = [
        {
            "name": "ready after",
            "value": round(median["ready_s"], 1),
            "unit": "s",
            "target": READY_TARGET_S,
            "better": "lower",
        },
        {"name": "every view with rows", "value": round(median["filled_s"], 1), "unit": "s",
         "better": "lower"},
        {"name": "stop after Ctrl-C", "value": round(median["stop_s"], 1), "unit": "s",
         "better": "lower"},
    ]  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {"runs": runs, "load_average_before": round(load_before, 2), "figures": figures}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
