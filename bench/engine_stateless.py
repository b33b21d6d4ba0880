"""A stateless query end to end: CSAS with a filter and a projection over 1,000,000 Avro orders.

The orders (six fields, Confluent Avro with the producer's schema, registered in the embedded
Schema Registry) are written to the embedded broker first. The timed part is the engine (Kafka
driver, in this process) running

    CREATE STREAM BIG_ORDERS AS SELECT ORDER_ID, CUSTOMER_ID, QUANTITY * PRICE AS TOTAL,
        ORDERED_AT FROM ORDERS WHERE QUANTITY > 2;

from the statement until every order has been read and every result flushed to the sink topic.
The figure is input records/s and its ratio to the fastavro floor measured in the same run
(target: at least 0.50). Results go to bench/results/engine_stateless.json.

    .venv/bin/python bench/engine_stateless.py [--records 1000000] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import uuid

from engine_common import (
    BASE_TS,
    ORDER_SCHEMA,
    avro_values,
    fastavro_floor,
    load_average,
    orders,
    produce,
    report_line,
    run_query,
    stack,
    write_results,
)

TARGET = 0.50


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    load = load_average()
    values = orders(args.records, 100_000)
    with stack() as running:
        from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

        registry = SchemaRegistryClient({"url": running.schema_registry_url})
        rates, floors, outputs = [], [], 0
        for run in range(args.runs):
            topic = f"orders_{uuid.uuid4().hex[:8]}"
            schema_id = registry.register_schema(
                f"{topic}-value", Schema(json.dumps(ORDER_SCHEMA), "AVRO")
            )
            records = avro_values(schema_id, ORDER_SCHEMA, values)
            produce(
                running.bootstrap_servers,
                topic,
                [(v["order_id"].encode(), r) for v, r in zip(values, records, strict=True)],
                [v["ordered_at"] for v in values],
            )
            floors.append(fastavro_floor(ORDER_SCHEMA, records))
            sink = f"big_orders_{run}_{uuid.uuid4().hex[:6]}"
            result = run_query(
                running,
                f"CREATE STREAM ORDERS WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='AVRO');",
                f"CREATE STREAM BIG_ORDERS WITH (KAFKA_TOPIC='{sink}') AS SELECT ORDER_ID, "
                "CUSTOMER_ID, QUANTITY * PRICE AS TOTAL, ORDERED_AT FROM ORDERS "
                "WHERE QUANTITY > 2;",
                {topic: args.records},
                sink,
                service_id=f"bench{run}_",
            )
            result.driver.close()
            expected = sum(1 for v in values if v["quantity"] > 2)
            if result.outputs != expected:
                raise SystemExit(f"the sink has {result.outputs} records, expected {expected}")
            outputs = result.outputs
            rates.append(result.rate)
        floors.append(fastavro_floor(ORDER_SCHEMA, records))
    rate, floor = statistics.median(rates), statistics.median(floors)
    print(f"{args.records:,} Avro orders, filter + projection, {outputs:,} results")
    print(report_line("CSAS end to end", rate, floor, TARGET))
    write_results(
        "engine_stateless",
        {
            "records": args.records,
            "runs": args.runs,
            "records_per_s": round(rate),
            "fastavro_floor_records_per_s": round(floor),
            "ratio_to_floor": round(rate / floor, 3),
            "target_ratio": TARGET,
            "load_average_before": load,
            "base_ts": BASE_TS,
        },
    )


if __name__ == "__main__":
    main()
