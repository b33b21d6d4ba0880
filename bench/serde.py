"""The serialization formats' speed: decode and re-encode a six-field order record.

The records are orders as a producer writes them: Confluent Avro with the producer's own schema
(order_id, customer_id, product_id, quantity, price, ordered_at as timestamp-millis). AVRO reads
them with a source serde (the writer's schema, coerced to the stream's columns) and writes each
row with a sink serde (the schema ksqlDB registers: every field an optional union), as a query
does. JSON does the same with the records as JSON text. The reference, measured in the same run
over the same records, is the fastavro floor: `schemaless_reader` then `schemaless_writer` with
the producer's schema, the least a Python pipeline can do; a plain `json.loads`/`json.dumps`
loop is JSON's own reference. Figures are medians over the runs; results go to
bench/results/serde.json.

    .venv/bin/python bench/serde.py [--records 200000] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastavro
from engine_common import ORDER_SCHEMA, avro_values, orders

from ksqlmv.engine.serde import InMemorySchemaRegistry, SerdeColumn, make_serde
from ksqlmv.sql.types import DOUBLE, INTEGER, STRING, TIMESTAMP

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "serde.json"
TARGET = 0.80  # of the fastavro floor, for the AVRO round trip

COLUMNS = [
    SerdeColumn("ORDER_ID", STRING),
    SerdeColumn("CUSTOMER_ID", STRING),
    SerdeColumn("PRODUCT_ID", STRING),
    SerdeColumn("QUANTITY", INTEGER),
    SerdeColumn("PRICE", DOUBLE),
    SerdeColumn("ORDERED_AT", TIMESTAMP),
]


def avro_records(registry: InMemorySchemaRegistry, values: list[dict[str, Any]]) -> list[bytes]:
    """The orders as Confluent Avro, registered under the source topic's subject."""
    schema_id = registry.register("orders-value", json.dumps(ORDER_SCHEMA))
    return avro_values(schema_id, ORDER_SCHEMA, values)


def fastavro_floor(records: list[bytes]) -> Callable[[], None]:
    """Decode and re-encode with fastavro alone: the producer's schema, no framing."""
    parsed = fastavro.parse_schema(ORDER_SCHEMA)
    bodies = [record[5:] for record in records]
    read, write, buffer = fastavro.schemaless_reader, fastavro.schemaless_writer, io.BytesIO

    def run() -> None:
        for body in bodies:
            out = buffer()
            write(out, parsed, read(buffer(body), parsed, None))
            out.getvalue()

    return run


def round_trip(source: Any, sink: Any, records: list[bytes]) -> Callable[[], None]:
    deserialize, serialize = source.deserialize, sink.serialize

    def run() -> None:
        for record in records:
            serialize(deserialize(record))

    return run


def one_way(function: Callable[[Any], Any], items: list[Any]) -> Callable[[], None]:
    def run() -> None:
        for item in items:
            function(item)

    return run


def json_floor(records: list[bytes]) -> Callable[[], None]:
    loads, dumps = json.loads, json.dumps

    def run() -> None:
        for record in records:
            dumps(loads(record)).encode()

    return run


def measure(tasks: dict[str, Callable[[], None]], runs: int) -> dict[str, list[float]]:
    """Seconds per run of each task, the tasks taking turns so that load on the machine falls
    on all of them alike; CPU time of this process, so time spent descheduled does not count."""
    seconds: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(runs):
        for name, task in tasks.items():
            start = time.process_time()
            task()
            seconds[name].append(time.process_time() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    values = orders(args.records, customers=100_000)
    registry = InMemorySchemaRegistry()
    avro = avro_records(registry, values)
    source = make_serde("AVRO", COLUMNS, topic="orders", registry=registry)
    sink = make_serde("AVRO", COLUMNS, topic="ORDERS_COPY", registry=registry)
    rows = [source.deserialize(record) for record in avro]
    json_source = make_serde("JSON", COLUMNS, topic="orders_json")
    json_records = [json.dumps(value).encode() for value in values]
    json_rows = [json_source.deserialize(record) for record in json_records]
    assert json_rows == rows, "JSON and AVRO must read the same rows"

    count, runs = args.records, args.runs
    tasks = {
        "fastavro floor (reference)": fastavro_floor(avro),
        "AVRO round trip": round_trip(source, sink, avro),
        "AVRO deserialize": one_way(source.deserialize, avro),
        "AVRO serialize": one_way(sink.serialize, rows),
        "JSON round trip": round_trip(json_source, json_source, json_records),
        "JSON deserialize": one_way(json_source.deserialize, json_records),
        "JSON serialize": one_way(json_source.serialize, rows),
        "json.loads+dumps (JSON reference)": json_floor(json_records),
    }
    seconds = measure(tasks, runs)
    floor_name, json_name = "fastavro floor (reference)", "json.loads+dumps (JSON reference)"
    figures = {name: count / statistics.median(times) for name, times in seconds.items()}
    # each ratio is taken run by run, between figures measured moments apart
    ratio = statistics.median(
        f / a for f, a in zip(seconds[floor_name], seconds["AVRO round trip"], strict=True)
    )
    json_ratio = statistics.median(
        f / a for f, a in zip(seconds[json_name], seconds["JSON round trip"], strict=True)
    )
    floor = figures[floor_name]

    print(f"{count:,} six-field orders, median of {runs} runs (CPU time)")
    print(f"{'':36} {'records/s':>12} {'x floor':>8}")
    for name, rate in figures.items():
        print(f"{name:36} {rate:12,.0f} {rate / floor:8.2f}")
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"AVRO round trip / fastavro floor: {ratio:.2f} ({verdict} the target of {TARGET:.2f})")
    print(f"JSON round trip / json.loads+dumps: {json_ratio:.2f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "records": count,
        "runs": runs,
        "target_avro_ratio": TARGET,
        "avro_ratio_to_floor": round(ratio, 3),
        "json_ratio_to_json_reference": round(json_ratio, 3),
        "records_per_s": {name: round(rate) for name, rate in figures.items()},
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
