"""The ksqlDB-compatible server's speed: pull-query lookups, push-query latency, push capacity.

Starts the embedded stack (`ksqlmv local`: broker, registry, server, each its own process) and
measures, from this process over real sockets:

1. **pull**: key lookups (`SELECT * FROM T WHERE ID = 'k<n>';` on `/query-stream`) against a
   100,000-row table, from 8 keep-alive HTTP/1.1 connections (a minimal client, so that library
   overhead is not measured): queries per second, p50 and p99. Targets: >= 3,000 q/s (ksqlDB's
   own published figure for `/query`) and p99 <= 10 ms.
2. **push latency**: records produced at 1,000 per second, each carrying its send time, read back
   by a push query: p50 and p99 from produce to the client holding the row. Target p99 <= 100 ms.
   The reference is the same records read straight from the broker by a plain consumer: the
   broker's own share (it publishes a record once its group commit has fsynced it).
3. **push capacity**: 100 concurrent push queries (100 different statements over one stream),
   held for `--hold` seconds (60 by default) while records flow; every query must still be open
   at the end and have received every row it should, none dropped.

Each measure runs `--runs` times (3 by default); the figures printed are medians. Results go to
bench/results/server.json.

    .venv/bin/python bench/server.py [--runs 3] [--hold 60] [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import OFFSET_END, Consumer, Producer, TopicPartition

from ksqlmv.local import EmbeddedStack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "server.json"
CLIENTS = 8
PUSH_RATE = 1000
PUSH_QUERIES = 100


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _ksql(url: str, sql: str) -> None:
    response = httpx.post(
        f"{url}/ksql",
        json={"ksql": sql, "streamsProperties": {"auto.offset.reset": "earliest"}},
        timeout=60,
    )
    if response.status_code != 200:
        raise RuntimeError(response.text)


# -- 1. pull lookups ----------------------------------------------------------------------------


async def _lookups(url: str, rows: int, seconds: float) -> dict[str, float]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        key = number
        try:
            while time.perf_counter() < deadline:
                key = (key * 7919 + 1) % rows
                body = json.dumps({"sql": f"SELECT * FROM LOOKUP WHERE ID = 'k{key}';"}).encode()
                started = time.perf_counter()
                writer.write(
                    b"POST /query-stream HTTP/1.1\r\nHost: bench\r\n"
                    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(body), body)
                )
                answer = await reader.readuntil(b"\r\n0\r\n\r\n")
                latencies.append(time.perf_counter() - started)
                if b'"k%d"' % key not in answer:
                    raise RuntimeError(f"lookup of k{key} answered {answer[:300]!r}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    return {
        "queries_per_second": len(latencies) / elapsed,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "queries": len(latencies),
    }


def _load_table(stack: EmbeddedStack, rows: int) -> float:
    url = stack.ksqldb_url
    _ksql(
        url,
        "CREATE STREAM LOOKUP_IN (ID STRING KEY, V INT, NAME STRING) WITH "
        "(kafka_topic='lookup_in', partitions=1, value_format='JSON');"
        "CREATE TABLE LOOKUP AS SELECT ID, LATEST_BY_OFFSET(V) AS V, "
        "LATEST_BY_OFFSET(NAME) AS NAME FROM LOOKUP_IN GROUP BY ID;",
    )
    producer = Producer({"bootstrap.servers": stack.bootstrap_servers, "linger.ms": 5})
    started = time.perf_counter()
    for n in range(rows):
        producer.produce("lookup_in", key=f"k{n}", value=b'{"V":%d,"NAME":"name %d"}' % (n, n))
        if n % 10_000 == 0:
            producer.poll(0)
    producer.flush(60)
    last = f"SELECT * FROM LOOKUP WHERE ID = 'k{rows - 1}';"
    while True:
        answer = httpx.post(f"{url}/query-stream", json={"sql": last}, timeout=30).text
        if f'"k{rows - 1}"' in answer:
            return time.perf_counter() - started
        time.sleep(0.2)


# -- 2. push latency ----------------------------------------------------------------------------


async def _push_latency(stack: EmbeddedStack, seconds: float) -> dict[str, float]:
    topic = f"latency_{uuid.uuid4().hex[:8]}"
    stream = topic.upper()
    _ksql(
        stack.ksqldb_url,
        f"CREATE STREAM {stream} (ID STRING KEY, SENT DOUBLE) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');",
    )
    latencies: list[float] = []
    count = int(seconds * PUSH_RATE)
    async with (
        httpx.AsyncClient(base_url=stack.ksqldb_url, timeout=60) as client,
        client.stream(
            "POST", "/query-stream", json={"sql": f"SELECT SENT FROM {stream} EMIT CHANGES;"}
        ) as response,
    ):
        lines = response.aiter_lines()
        await anext(lines)  # the header: the query runs
        await asyncio.sleep(0.5)
        producer = Producer({"bootstrap.servers": stack.bootstrap_servers, "linger.ms": 0})

        def produce() -> None:
            started = time.perf_counter()
            for n in range(count):
                due = started + n / PUSH_RATE
                while time.perf_counter() < due:
                    time.sleep(0.0002)
                producer.produce(topic, key=f"k{n}", value=b'{"SENT":%r}' % time.time())
                producer.poll(0)
            producer.flush(30)

        reference: list[float] = []
        loop = asyncio.get_running_loop()
        watcher = loop.run_in_executor(None, _consume_directly, stack, topic, count, reference)
        await asyncio.sleep(0.5)  # the reference consumer sits at the end of the topic
        sender = loop.run_in_executor(None, produce)
        async for line in lines:
            if line.strip():
                (sent,) = json.loads(line)
                latencies.append(time.time() - sent)
                if len(latencies) >= count:
                    break
        await sender
        await watcher
    return {
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "rows": len(latencies),
        "broker_p50_ms": _percentile(reference, 0.50) * 1000,
        "broker_p99_ms": _percentile(reference, 0.99) * 1000,
    }


def _consume_directly(stack: EmbeddedStack, topic: str, count: int, out: list[float]) -> None:
    """The reference: the same records read straight from the broker by a plain consumer."""
    consumer = Consumer(
        {
            "bootstrap.servers": stack.bootstrap_servers,
            "group.id": f"bench-{uuid.uuid4()}",
            "fetch.wait.max.ms": 20,
        }
    )
    consumer.assign([TopicPartition(topic, 0, OFFSET_END)])
    deadline = time.monotonic() + 120
    try:
        while len(out) < count and time.monotonic() < deadline:
            message = consumer.poll(0.1)
            if message is not None and message.error() is None:
                out.append(time.time() - json.loads(message.value())["SENT"])
    finally:
        consumer.close()


# -- 3. push capacity ---------------------------------------------------------------------------


async def _push_capacity(stack: EmbeddedStack, hold: float, rate: int = 100) -> dict[str, Any]:
    topic = f"capacity_{uuid.uuid4().hex[:8]}"
    stream = topic.upper()
    _ksql(
        stack.ksqldb_url,
        f"CREATE STREAM {stream} (ID STRING KEY, V INT) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');",
    )
    received = [0] * PUSH_QUERIES
    alive = [False] * PUSH_QUERIES
    stop = asyncio.Event()

    async def subscriber(number: int, client: httpx.AsyncClient) -> None:
        sql = f"SELECT ID, V FROM {stream} WHERE V % {PUSH_QUERIES} >= {number} EMIT CHANGES;"
        async with client.stream("POST", "/query-stream", json={"sql": sql}) as response:
            if response.status_code != 200:
                raise RuntimeError(await response.aread())
            lines = response.aiter_lines()
            await anext(lines)
            alive[number] = True
            async for line in lines:
                if line.strip():
                    received[number] += 1
                if stop.is_set() and received[number] >= expected[number]:
                    break
            alive[number] = alive[number] and stop.is_set()

    limits = httpx.Limits(max_connections=PUSH_QUERIES + 10)
    async with httpx.AsyncClient(base_url=stack.ksqldb_url, timeout=None, limits=limits) as client:
        expected = [0] * PUSH_QUERIES
        tasks = [asyncio.create_task(subscriber(n, client)) for n in range(PUSH_QUERIES)]
        while not all(alive):
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        producer = Producer({"bootstrap.servers": stack.bootstrap_servers})
        started = time.perf_counter()
        sent = 0
        while time.perf_counter() - started < hold:
            value = sent
            producer.produce(topic, key=f"k{sent}", value=b'{"V":%d}' % value)
            producer.poll(0)
            for number in range(PUSH_QUERIES):
                if value % PUSH_QUERIES >= number:
                    expected[number] += 1
            sent += 1
            await asyncio.sleep(max(0.0, started + sent / rate - time.perf_counter()))
        producer.flush(30)
        stop.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        for task in tasks:
            task.cancel()
    dropped = sum(max(0, e - r) for e, r in zip(expected, received, strict=True))
    return {
        "queries": PUSH_QUERIES,
        "held_seconds": hold,
        "records_sent": sent,
        "rows_expected": sum(expected),
        "rows_received": sum(received),
        "rows_dropped": dropped,
        "queries_alive_at_end": sum(alive),
    }


# -- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hold", type=float, default=60.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per pull/latency run")
    args = parser.parse_args()
    with EmbeddedStack(("broker", "registry", "ksql")) as stack:
        load_seconds = _load_table(stack, args.rows)
        print(f"loaded {args.rows:,} rows into LOOKUP in {load_seconds:.1f} s", flush=True)
        asyncio.run(_lookups(stack.ksqldb_url, args.rows, 2.0))  # warm-up: plans get cached
        pulls = [
            asyncio.run(_lookups(stack.ksqldb_url, args.rows, args.seconds))
            for _ in range(args.runs)
        ]
        pull = {k: statistics.median(run[k] for run in pulls) for k in pulls[0]}
        print(
            f"pull lookups, {CLIENTS} keep-alive HTTP/1.1 clients: "
            f"{pull['queries_per_second']:,.0f} q/s (target >= 3,000), "
            f"p50 {pull['p50_ms']:.2f} ms, p99 {pull['p99_ms']:.2f} ms (target <= 10 ms)",
            flush=True,
        )
        pushes = [asyncio.run(_push_latency(stack, args.seconds)) for _ in range(args.runs)]
        push = {k: statistics.median(run[k] for run in pushes) for k in pushes[0]}
        print(
            f"push latency at {PUSH_RATE:,} rec/s: p50 {push['p50_ms']:.1f} ms, "
            f"p99 {push['p99_ms']:.1f} ms (target <= 100 ms); reference, the broker alone to a "
            f"plain consumer: p50 {push['broker_p50_ms']:.1f} ms, "
            f"p99 {push['broker_p99_ms']:.1f} ms",
            flush=True,
        )
        capacity = asyncio.run(_push_capacity(stack, args.hold))
        print(
            f"{capacity['queries']} push queries held {capacity['held_seconds']:.0f} s: "
            f"{capacity['rows_received']:,} of {capacity['rows_expected']:,} rows, "
            f"{capacity['rows_dropped']} dropped, "
            f"{capacity['queries_alive_at_end']} alive at the end",
            flush=True,
        )
    results = {
        "rows": args.rows,
        "load_seconds": load_seconds,
        "pull": pull,
        "pull_runs": pulls,
        "push_latency": push,
        "push_latency_runs": pushes,
        "push_capacity": capacity,
        "targets": {
            "pull_queries_per_second": 3000,
            "pull_p99_ms": 10,
            "push_p99_ms": 100,
            "push_rows_dropped": 0,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    ok = (
        pull["queries_per_second"] >= 3000
        and pull["p99_ms"] <= 10
        and push["p99_ms"] <= 100
        and capacity["rows_dropped"] == 0
        and capacity["queries_alive_at_end"] == PUSH_QUERIES
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
