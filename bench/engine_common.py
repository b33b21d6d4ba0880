"""What the engine benchmarks share: order records, the embedded stack, timing a query end to end.

Each benchmark writes its input (Confluent Avro, the producer's own schema) to the embedded broker
before anything is timed, then starts the engine with the Kafka driver in this process and times
from the statement that creates the query until every input record has been processed and the
producer has flushed every result: records/s, wall clock, with the broker (a separate process)
on the same machine. The reference is the fastavro floor measured in the same run over the same
records: `schemaless_reader` then `schemaless_writer`, the least a Python pipeline does per
record. Results go to bench/results/<name>.json.
"""

from __future__ import annotations

import gc
import io
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import ConfluentSchemaRegistry
from ksqlmv.local.stack import EmbeddedStack

__all__ = [
    "ORDER_SCHEMA",
    "Run",
    "avro_values",
    "end_offset",
    "fastavro_floor",
    "load_average",
    "orders",
    "produce",
    "report_line",
    "restore_seconds",
    "run_query",
    "stack",
    "write_results",
]

ROOT = Path(__file__).resolve().parent.parent
BASE_TS = 1_700_000_000_000

ORDER_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Order",
    "namespace": "io.ksqlmv.bench",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "customer_id", "type": "string"},
        {"name": "product_id", "type": "string"},
        {"name": "quantity", "type": "int"},
        {"name": "price", "type": "double"},
        {"name": "ordered_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}


def orders(count: int, customers: int, step_ms: int = 37) -> list[dict[str, Any]]:
    """`count` six-field orders over `customers` distinct customers; the same every run."""
    rng = random.Random(42)
    return [
        {
            "order_id": f"O{i:08d}",
            "customer_id": f"C{rng.randrange(customers):06d}",
            "product_id": f"P{rng.randrange(5_000):05d}",
            "quantity": rng.randrange(1, 10),
            "price": round(rng.uniform(1, 500), 2),
            "ordered_at": BASE_TS + i * step_ms,
        }
        for i in range(count)
    ]


def avro_values(
    schema_id: int, schema: dict[str, Any], values: list[dict[str, Any]]
) -> list[bytes]:
    """The values in Confluent's wire format (magic byte, schema id, Avro body)."""
    header = b"\x00" + schema_id.to_bytes(4, "big")
    parsed = fastavro.parse_schema(schema)
    encoded = []
    for value in values:
        out = io.BytesIO()
        out.write(header)
        fastavro.schemaless_writer(out, parsed, value)
        encoded.append(out.getvalue())
    return encoded


def fastavro_floor(schema: dict[str, Any], records: list[bytes], runs: int = 3) -> float:
    """Records/s of fastavro decoding and re-encoding `records` (median of `runs`, wall clock)."""
    parsed = fastavro.parse_schema(schema)
    bodies = [record[5:] for record in records]
    read, write, buffer = fastavro.schemaless_reader, fastavro.schemaless_writer, io.BytesIO
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for body in bodies:
            out = buffer()
            write(out, parsed, read(buffer(body), parsed, None))
            out.getvalue()
        rates.append(len(bodies) / (time.perf_counter() - start))
    return statistics.median(rates)


@contextmanager
def stack() -> Iterator[EmbeddedStack]:
    """The embedded broker and Schema Registry (in a `ksqlmv local` subprocess)."""
    with EmbeddedStack(("broker", "registry")) as running:
        yield running


def produce(
    servers: str, topic: str, records: list[tuple[bytes | None, bytes]], timestamps: list[int]
) -> None:
    """Create `topic` (one partition) and write the records (not timed)."""
    admin = AdminClient({"bootstrap.servers": servers})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    producer = Producer(
        {
            "bootstrap.servers": servers,
            "linger.ms": 50,
            "batch.num.messages": 10_000,
            "queue.buffering.max.messages": 2_000_000,
            "queue.buffering.max.kbytes": 2_000_000,
        }
    )
    for (key, value), ts in zip(records, timestamps, strict=True):
        while True:
            try:
                producer.produce(topic, value, key, timestamp=ts)
                break
            except BufferError:
                producer.poll(0.05)
    if producer.flush(120):
        raise RuntimeError(f"could not write the input to {topic}")


@dataclass
class Run:
    """One timed query: records it read, seconds, and what it wrote."""

    records: int
    seconds: float
    outputs: int
    engine: KsqlEngine
    driver: KafkaDriver

    @property
    def rate(self) -> float:
        """Input records per second."""
        return self.records / self.seconds


def end_offset(servers: str, topic: str) -> int:
    """The number of records in a one-partition topic."""
    consumer = Consumer({"bootstrap.servers": servers, "group.id": "bench-offsets"})
    try:
        return int(consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1])
    finally:
        consumer.close()


def run_query(
    running: EmbeddedStack,
    setup: str,
    query: str,
    inputs: dict[str, int],
    sink: str,
    *,
    service_id: str,
    timeout: float = 900.0,
    properties: dict[str, Any] | None = None,
) -> Run:
    """Run `setup` (not timed), then time `query` until it has read `inputs` (topic → count)."""
    servers = running.bootstrap_servers
    driver = KafkaDriver(
        {"bootstrap.servers": servers},
        ConfluentSchemaRegistry(running.schema_registry_url),
        commit_interval=2.0,
    )
    engine = KsqlEngine(
        driver,
        properties={
            "ksql.service.id": service_id,
            "auto.offset.reset": "earliest",
            **(properties or {}),
        },
    )
    engine.execute(setup)
    # The benchmark's own million input records are not the engine's: keep the collector from
    # walking them again and again while the query runs.
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    engine.execute(query)
    (query_id,) = [q for q in engine.queries if not q.startswith("CST_")]
    feed = driver.feeds[query_id]
    total = sum(inputs.values())
    deadline = time.monotonic() + timeout
    while feed.records < total:
        if time.monotonic() > deadline or not feed.alive:
            raise RuntimeError(f"{query_id} read {feed.records} of {total} records")
        time.sleep(0.01)
    driver.flush()
    seconds = time.perf_counter() - start
    return Run(total, seconds, end_offset(servers, sink), engine, driver)


def restore_seconds(running: EmbeddedStack, statements: str, service_id: str) -> float:
    """Seconds for a new engine to restore the state of `statements`' queries and be ready."""
    driver = KafkaDriver(
        {"bootstrap.servers": running.bootstrap_servers},
        ConfluentSchemaRegistry(running.schema_registry_url),
    )
    engine = KsqlEngine(
        driver, properties={"ksql.service.id": service_id, "auto.offset.reset": "earliest"}
    )
    start = time.perf_counter()
    engine.execute(statements)
    for query_id in engine.queries:
        if not driver.wait_ready(query_id, 300):
            raise RuntimeError(f"{query_id} did not restore within 300 s")
    seconds = time.perf_counter() - start
    driver.close()
    return seconds


def write_results(name: str, report: dict[str, Any]) -> None:
    """bench/results/<name>.json, with the load average when the run started."""
    path = ROOT / "bench" / "results" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def load_average() -> float:
    """The one-minute load average (other work on the machine lowers every figure)."""
    return round(os.getloadavg()[0], 2)


def report_line(label: str, rate: float, floor: float, target: float) -> str:
    """`label: N records/s = x.xx of the fastavro floor (target y.yy)`."""
    verdict = "meets" if rate / floor >= target else "misses"
    return (
        f"{label}: {rate:,.0f} records/s = {rate / floor:.2f} of the fastavro floor "
        f"({floor:,.0f}/s); {verdict} the target of {target:.2f}"
    )
