"""`ksqlmv migrate`'s own cost: the parse pass, the plan replay, and what apply adds on a server.

Offline (always): the parse pass (split, substitute, parse, classify) and the plan replay over
the platform's 16 migration files; the reference is the bare statement splitter.

With a server (`--server URL`, or an embedded stack when `ksqlmv.server` is installed): apply
20 one-statement migrations with `Migrator.apply` (lock, RUNNING and MIGRATED rows, waits until
the table shows them), against sending 20 such statements straight through `KsqlClient.execute`:
the difference per migration is the tool's overhead.

Figures are medians over the runs; results go to bench/results/migrations.json.

    .venv/bin/python bench/migrations.py [--runs 20] [--server http://127.0.0.1:8088]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ksqlmv.client import KsqlClient
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.files import discover
from ksqlmv.migrations.history import ApplyMode
from ksqlmv.migrations.plan import Catalog, plan_changes
from ksqlmv.migrations.runner import Migrator
from ksqlmv.migrations.statements import prepare_file
from ksqlmv.sql import split_statements

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "migrations.json"
MIGRATIONS = 20


def median_ms(runs: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def offline(runs: int) -> dict[str, float]:
    files = discover(ROOT / "ksql" / "migrations").up
    texts = [(m, m.read_text()) for m in files]
    split = median_ms(runs, lambda: [split_statements(text) for _, text in texts])
    prepare = median_ms(runs, lambda: [prepare_file(m.path, text, {}) for m, text in texts])
    prepared = [(m, prepare_file(m.path, text, {})) for m, text in texts]
    plan = median_ms(runs, lambda: plan_changes(Catalog(), prepared))
    return {
        "files": len(files),
        "split_ms": split,
        "parse_pass_ms": prepare,
        "parse_pass_ratio_to_split": prepare / split,
        "plan_replay_ms": plan,
    }


def online(url: str, runs: int) -> dict[str, float]:
    """Apply one-statement migrations with the tool, and the same statements raw."""
    tool, raw = [], []
    for _ in range(runs):
        prefix = f"BENCH_{uuid.uuid4().hex[:8].upper()}"
        with tempfile.TemporaryDirectory() as folder, KsqlClient(url) as client:
            root = Path(folder)
            (root / "migrations").mkdir()
            for version in range(1, MIGRATIONS + 1):
                path = root / "migrations" / f"V{version:06d}__s{version}.sql"
                path.write_text(_stream(f"{prefix}_T{version}"))
            config = MigrationConfig.from_properties(
                root / "ksql-migrations.properties",
                {
                    "ksql.server.url": url,
                    "ksql.migrations.stream.name": f"{prefix}_EVENTS",
                    "ksql.migrations.table.name": f"{prefix}_VERSIONS",
                },
            )
            migrator = Migrator(client, config)
            migrator.store.initialize()
            started = time.perf_counter()
            migrator.apply(ApplyMode.ALL)
            tool.append(time.perf_counter() - started)
            started = time.perf_counter()
            for version in range(1, MIGRATIONS + 1):
                client.execute(_stream(f"{prefix}_R{version}"))
            raw.append(time.perf_counter() - started)
    tool_ms = statistics.median(tool) * 1000 / MIGRATIONS
    raw_ms = statistics.median(raw) * 1000 / MIGRATIONS
    return {
        "apply_ms_per_migration": tool_ms,
        "raw_ms_per_statement": raw_ms,
        "overhead_ms_per_migration": tool_ms - raw_ms,
        "ratio_to_raw": tool_ms / raw_ms,
    }


def _stream(name: str) -> str:
    return (
        f"CREATE STREAM {name} (id STRING KEY, n INT) "
        f"WITH (kafka_topic='{name.lower()}', partitions=1, value_format='json');"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--server", default=None, help="a ksqlDB server to apply to")
    args = parser.parse_args()
    results: dict[str, Any] = {"offline": offline(args.runs)}
    server_runs = max(1, args.runs // 10)
    if args.server:
        results["server"] = online(args.server, server_runs)
    elif importlib.util.find_spec("ksqlmv.server.__main__") is None:
        results["server"] = "skipped: no --server and no embedded ksqlDB server in this build"
    else:
        from ksqlmv.local import EmbeddedStack

        with EmbeddedStack(services=("broker", "registry", "ksql")) as stack:
            results["server"] = online(stack.ksqldb_url, server_runs)
    for section, figures in results.items():
        print(f"{section}:")
        if isinstance(figures, str):
            print(f"  {figures}")
            continue
        for name, value in figures.items():
            print(f"  {name:<28} {value:10.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
