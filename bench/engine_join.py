"""A stream-table join end to end: 1,000,000 Avro orders against 100,000 customers.

    CREATE TABLE CUSTOMERS WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='AVRO');
    CREATE STREAM ORDERS WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='AVRO');
    CREATE STREAM ENRICHED AS SELECT O.ORDER_ID, O.CUSTOMER_ID, C.NAME, C.REGION,
        O.QUANTITY * O.PRICE AS TOTAL FROM ORDERS O JOIN CUSTOMERS C ON O.CUSTOMER_ID = C.ID;

The customers (id key, name, region, tier; Avro) and the orders (keyed by customer id, the
six-field order record) are on the embedded broker before the query starts; customers are older
than every order, so each order finds its customer. Timed as engine_common.py describes, from
the statement until every order (and every customer) has been read and every result flushed;
the figure counts orders only. Target: at least 0.35 of the fastavro floor (measured over the
orders in the same run). Results go to bench/results/engine_join.json.

    .venv/bin/python bench/engine_join.py [--orders 1000000] [--customers 100000]
"""

from __future__ import annotations

import argparse
import json
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

TARGET = 0.35
CUSTOMER_SCHEMA = {
    "type": "record",
    "name": "Customer",
    "namespace": "io.ksqlmv.bench",
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "region", "type": "string"},
        {"name": "tier", "type": "int"},
    ],
}
REGIONS = ("EU", "US", "APAC", "LATAM")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    load = load_average()
    order_values = orders(args.orders, args.customers)
    customer_values = [
        {"name": f"Customer {i}", "region": REGIONS[i % len(REGIONS)], "tier": i % 3}
        for i in range(args.customers)
    ]
    with stack() as running:
        from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

        registry = SchemaRegistryClient({"url": running.schema_registry_url})
        suffix = uuid.uuid4().hex[:8]
        order_topic, customer_topic = f"orders_{suffix}", f"customers_{suffix}"
        order_id = registry.register_schema(
            f"{order_topic}-value", Schema(json.dumps(ORDER_SCHEMA), "AVRO")
        )
        customer_id = registry.register_schema(
            f"{customer_topic}-value", Schema(json.dumps(CUSTOMER_SCHEMA), "AVRO")
        )
        order_records = avro_values(order_id, ORDER_SCHEMA, order_values)
        customer_records = avro_values(customer_id, CUSTOMER_SCHEMA, customer_values)
        produce(
            running.bootstrap_servers,
            customer_topic,
            [(f"C{i:06d}".encode(), r) for i, r in enumerate(customer_records)],
            [BASE_TS - 1_000] * len(customer_records),
        )
        produce(
            running.bootstrap_servers,
            order_topic,
            [
                (v["customer_id"].encode(), r)
                for v, r in zip(order_values, order_records, strict=True)
            ],
            [v["ordered_at"] for v in order_values],
        )
        floor_before = fastavro_floor(ORDER_SCHEMA, order_records)
        sink = f"enriched_{suffix}"
        setup = (
            f"CREATE TABLE CUSTOMERS (ID STRING PRIMARY KEY) WITH (KAFKA_TOPIC='{customer_topic}', "
            "VALUE_FORMAT='AVRO');"
            f"CREATE STREAM ORDERS WITH (KAFKA_TOPIC='{order_topic}', VALUE_FORMAT='AVRO');"
        )
        query = (
            f"CREATE STREAM ENRICHED WITH (KAFKA_TOPIC='{sink}') AS SELECT O.ORDER_ID, "
            "O.CUSTOMER_ID, C.NAME, C.REGION, O.QUANTITY * O.PRICE AS TOTAL "
            "FROM ORDERS O JOIN CUSTOMERS C ON O.CUSTOMER_ID = C.ID;"
        )
        result = run_query(
            running,
            setup,
            query,
            {order_topic: args.orders, customer_topic: args.customers},
            sink,
            service_id="join_",
        )
        result.driver.close()
        if result.outputs != args.orders:
            raise SystemExit(f"the sink has {result.outputs} records, expected {args.orders}")
        floor = (floor_before + fastavro_floor(ORDER_SCHEMA, order_records)) / 2
    rate = args.orders / result.seconds
    print(f"{args.orders:,} Avro orders joined with {args.customers:,} customers")
    print(report_line("stream-table join end to end", rate, floor, TARGET))
    write_results(
        "engine_join",
        {
            "orders": args.orders,
            "customers": args.customers,
            "records_per_s": round(rate),
            "fastavro_floor_records_per_s": round(floor),
            "ratio_to_floor": round(rate / floor, 3),
            "target_ratio": TARGET,
            "load_average_before": load,
        },
    )


if __name__ == "__main__":
    main()
