"""A windowed aggregation end to end: one-minute tumbling COUNT and SUM over 1,000,000 Avro orders.

    CREATE TABLE PER_MINUTE AS SELECT CUSTOMER_ID, COUNT(*) AS ORDERS, SUM(PRICE) AS TOTAL
        FROM ORDERS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY CUSTOMER_ID;

over orders from 10,000 distinct customers, 1,000 orders per second of event time (so about 17
minutes, each customer-minute updated about six times), on the embedded broker, timed as
engine_common.py describes: once with every update an output record (ksqlDB with its cache off,
as its test runner runs; the figure compared with the targets), and once with ksqlDB's server
default of a 10 MB record cache (each customer-minute's updates coalesced per commit). It
also prints the time a new engine takes to restore that table from its changelog topics and be
ready (median of three restores; target: at most 10 s), and, where quix-streams is importable by
`--quix-python` (a Python with quixstreams installed; $KSQLMV_QUIX_PYTHON by default), the same
windowed count and sum in quix-streams on the same broker and topic, and our rate as a ratio of
its (target: at least 2).
Target against the fastavro floor: at least 0.35. Results go to bench/results/engine_window.json.

    .venv/bin/python bench/engine_window.py [--records 1000000] [--quix-python PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from engine_common import (
    ORDER_SCHEMA,
    avro_values,
    fastavro_floor,
    load_average,
    orders,
    produce,
    report_line,
    restore_seconds,
    run_query,
    stack,
    write_results,
)

TARGET = 0.35
QUIX_TARGET = 2.0
RESTORE_TARGET = 10.0
CACHE_BYTES = 10 * 1024 * 1024  # ksqlDB's server default for ksql.streams.cache.max.bytes.buffering
QUIX_APP = Path(__file__).resolve().parent / "engine_window_quix.py"


def _quix_python() -> str | None:
    """Where quix-streams runs: $KSQLMV_QUIX_PYTHON, else this interpreter if it has it."""
    configured = os.environ.get("KSQLMV_QUIX_PYTHON")
    if configured:
        return configured
    return sys.executable if importlib.util.find_spec("quixstreams") is not None else None


def quix_rate(python: str, servers: str, registry: str, topic: str, records: int) -> float | None:
    """Records/s of the same aggregation in quix-streams, or None when it cannot run."""
    try:
        done = subprocess.run(
            [python, str(QUIX_APP), servers, registry, topic, str(records)],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"quix-streams did not run: {error}")
        return None
    for line in done.stdout.splitlines():
        if line.startswith("rate "):
            return float(line.split()[1])
    print(f"quix-streams did not run: {done.stderr.strip().splitlines()[-1:]}")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--quix-python",
        default=_quix_python(),
        help="a Python with quixstreams [default: $KSQLMV_QUIX_PYTHON, else this Python if it "
        "has quixstreams]",
    )
    args = parser.parse_args()
    load = load_average()
    values = orders(args.records, args.customers, step_ms=1)
    with stack() as running:
        from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

        registry = SchemaRegistryClient({"url": running.schema_registry_url})
        topic = f"orders_{uuid.uuid4().hex[:8]}"
        schema_id = registry.register_schema(
            f"{topic}-value", Schema(json.dumps(ORDER_SCHEMA), "AVRO")
        )
        records = avro_values(schema_id, ORDER_SCHEMA, values)
        produce(
            running.bootstrap_servers,
            topic,
            [(v["customer_id"].encode(), r) for v, r in zip(values, records, strict=True)],
            [v["ordered_at"] for v in values],
        )
        floor_before = fastavro_floor(ORDER_SCHEMA, records)
        sink = f"per_minute_{uuid.uuid4().hex[:6]}"
        setup = f"CREATE STREAM ORDERS WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='AVRO');"
        query = (
            f"CREATE TABLE PER_MINUTE WITH (KAFKA_TOPIC='{sink}') AS SELECT CUSTOMER_ID, "
            "COUNT(*) AS ORDERS, SUM(PRICE) AS TOTAL FROM ORDERS "
            "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY CUSTOMER_ID;"
        )
        result = run_query(running, setup, query, {topic: args.records}, sink, service_id="win_")
        store = result.engine.queries["CTAS_PER_MINUTE_0"].stores["Materialized"]
        windows = len(store.data)
        result.driver.close()
        if result.outputs != args.records:
            raise SystemExit(f"the sink has {result.outputs} records, expected {args.records}")
        # The same query with ksqlDB's server default of a 10 MB record cache: updates of a
        # customer-minute coalesce until each commit (every 2 s).
        cached_sink = f"{sink}_cached"
        cached = run_query(
            running,
            setup,
            query.replace(sink, cached_sink),
            {topic: args.records},
            cached_sink,
            service_id="wincache_",
            properties={"ksql.streams.cache.max.bytes.buffering": CACHE_BYTES},
        )
        cached.driver.close()
        if not windows <= cached.outputs <= args.records:
            raise SystemExit(f"the cached sink has {cached.outputs} records")
        time.sleep(1)
        # A new engine restores the table three times over (each only reads): the median.
        restore = statistics.median(
            restore_seconds(running, setup + query, "win_") for _ in range(3)
        )
        quix = None
        if args.quix_python:
            quix = quix_rate(
                args.quix_python,
                running.bootstrap_servers,
                running.schema_registry_url,
                topic,
                args.records,
            )
        floor = (floor_before + fastavro_floor(ORDER_SCHEMA, records)) / 2
    rate = result.rate
    print(
        f"{args.records:,} Avro orders, {args.customers:,} customers, {windows:,} customer-minutes"
    )
    print(report_line("windowed CTAS end to end, every update", rate, floor, TARGET))
    print(
        report_line("windowed CTAS end to end, 10 MB cache", cached.rate, floor, TARGET)
        + f" ({cached.outputs:,} updates written)"
    )
    print(f"restore of the table after a restart: {restore:.1f} s (target <= {RESTORE_TARGET:g} s)")
    if quix is not None:
        print(
            f"quix-streams: {quix:,.0f} records/s; ours / quix = {rate / quix:.2f} "
            f"(target >= {QUIX_TARGET:g})"
        )
    write_results(
        "engine_window",
        {
            "records": args.records,
            "customers": args.customers,
            "windows": windows,
            "records_per_s": round(rate),
            "fastavro_floor_records_per_s": round(floor),
            "ratio_to_floor": round(rate / floor, 3),
            "cached_records_per_s": round(cached.rate),
            "cached_ratio_to_floor": round(cached.rate / floor, 3),
            "cached_outputs": cached.outputs,
            "cache_bytes": CACHE_BYTES,
            "target_ratio": TARGET,
            "restore_seconds": round(restore, 2),
            "restore_target_seconds": RESTORE_TARGET,
            "quix_records_per_s": None if quix is None else round(quix),
            "ratio_to_quix": None if quix is None else round(rate / quix, 2),
            "load_average_before": load,
            "python": sys.version.split()[0],
        },
    )


if __name__ == "__main__":
    main()
