"""Load: the demo's views under the shop and trading simulators at the highest rate the engine
sustains, while 100 push queries and 8 pull-query clients run; throughput, latencies, memory of
every process over time, and errors.

On the embedded stack (`ksqlmv local`: broker, registry, ksqlDB server, set up as the demo's, with
exactly-once processing) with every migration of ksql/migrations applied:

1. **capacity**: both simulators send a burst unpaced (shop and trading in the demo's 5:2
   proportion); the engine's capacity is the burst's size over the time until every persistent
   query has committed it. The run's rate is `--load` (0.5 by default) of that capacity, the
   rest left to the push and pull queries (`--rate` sets it instead). The trading simulator's
   rate is divided by eight, its session-open burst.
2. **run**: `ksqlmv simulate shop` and `ksqlmv simulate trading`, paced, for `--seconds` (300 by
   default). Meanwhile 100 push queries (`EMIT CHANGES` over every view and stream, some
   filtered) count their rows, those selecting ROWTIME first timing each row from its event time
   (which the paced simulators set to the moment they send), and 8 clients loop over pull
   queries (key lookups and small scans), timing each one. Every second the resident memory
   (RSS) of each process is sampled; every five seconds the queries' lag (records of their
   source topics not committed yet).
3. **hold**: once the input stops and the views have caught up, the queries go on for `--hold`
   seconds (60 by default) with no new input.
4. **figures**: events/s acknowledged, push rows/s, push latency p50/p99, pull queries/s and
   p50/p99, errors (failed acknowledgements, push queries that ended or failed, pull queries
   that failed: expected none), lag, and per process the RSS at the start, at the end and its
   slope over the second half of the run and over the hold. Memory must level off: under 2 MB a
   minute for each service. The ksqlDB server keeps its state stores in memory, so under the
   shop's stream of new orders its RSS grows with that state while the input flows; the hold
   shows whether anything else grows.

Results go to bench/results/load.json. tests/reliability/test_load.py runs this for one minute.

    .venv/bin/python bench/load.py [--seconds 300] [--load 0.5] [--hold 60] [--push 100] [--pull 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from ksqlmv.demo.plan import server_properties_env
from ksqlmv.local import EmbeddedStack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.json"
MIGRATIONS = ROOT / "ksql" / "ksql-migrations.properties"
SERVICES = ("broker", "registry", "ksql")
# The demo's proportion of shop to trading events (50 and 20 per second).
SHARES = {"shop": 5 / 7, "trading": 2 / 7}
# A paced trading run opens with a session burst of eight times its rate (producers/trading.yaml):
# its rate is divided by that, so that the burst, not the base, is its share of the load.
PEAK = {"shop": 1.0, "trading": 8.0}
BURST = 7_000
QUERY_GROUPS = "_confluent-ksql-"
# Records the queries may leave uncommitted at the end of their input: the payments_matched
# join has been seen to leave the last, late, record of a payments partition until more arrive.
LAG_TOLERANCE = 5
TARGETS = {"errors": 0, "max_rss_slope_mb_per_min": 2.0, "pull_p99_ms": 100.0}


@dataclass(frozen=True, slots=True)
class LoadConfig:
    """One load run."""

    seconds: float = 300.0
    load: float = 0.5  # share of the measured capacity the simulators send at
    push_queries: int = 100
    pull_clients: int = 8
    burst: int = BURST  # events of the capacity burst
    hold: float = 60.0  # seconds the queries go on after the input stops and the views caught up
    rate: float | None = None  # events/s for both simulators together; None: measure capacity
    max_slope: float = TARGETS["max_rss_slope_mb_per_min"]


@dataclass
class Counters:
    """What the query clients saw; only their own thread writes them."""

    push_rows: int = 0
    push_errors: list[str] = field(default_factory=list)
    push_latencies: list[float] = field(default_factory=list)
    pull_latencies: list[float] = field(default_factory=list)
    pull_errors: list[str] = field(default_factory=list)
    push_open: int = 0
    order_ids: list[str] = field(default_factory=list)


# -- the platform ---------------------------------------------------------------------------------


def environment(stack: EmbeddedStack) -> dict[str, str]:
    """The project's commands' environment: the stack's addresses and nothing else of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")}
    env.update(
        KSQLMV_BOOTSTRAP_SERVERS=stack.bootstrap_servers,
        KSQLMV_SCHEMA_REGISTRY_URL=stack.schema_registry_url,
        KSQLMV_KSQLDB_URL=stack.ksqldb_url,
    )
    return env


def ksqlmv(stack: EmbeddedStack, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`ksqlmv ARGUMENTS` against the stack, to the end; raises on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "ksqlmv", *arguments],
        cwd=ROOT,
        env=environment(stack),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ksqlmv {' '.join(arguments)}: {done.stderr[-2000:]}")
    return done


def simulate(stack: EmbeddedStack, scenario: str, *arguments: str) -> subprocess.Popen[str]:
    """`ksqlmv simulate SCENARIO ARGUMENTS` in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "ksqlmv", "simulate", scenario, *arguments],
        cwd=ROOT,
        env=environment(stack),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def prepare(stack: EmbeddedStack) -> None:
    """Topics and schemas as the simulators create them, then every migration."""
    for scenario in SHARES:
        ksqlmv(stack, "simulate", scenario, "--count", "0", "--seed", "1")
    ksqlmv(stack, "migrate", "-c", str(MIGRATIONS), "initialize-metadata")
    ksqlmv(stack, "migrate", "-c", str(MIGRATIONS), "apply", "--all")


def query_topics(url: str, auth: tuple[str, str] | None = None) -> dict[str, list[str]]:
    """The consumer group of every persistent query, and the topics its sources are on."""

    def ksql(statement: str) -> Any:
        answer = httpx.post(f"{url}/ksql", json={"ksql": statement}, auth=auth, timeout=60)
        answer.raise_for_status()
        return answer.json()[0]

    service = httpx.get(f"{url}/info", auth=auth, timeout=30).json()["KsqlServerInfo"]
    prefix = f"{QUERY_GROUPS}{service['ksqlServiceId']}query_"
    topics: dict[str, str] = {}
    groups = {}
    for query in ksql("SHOW QUERIES;")["queries"]:
        sources = ksql(f"EXPLAIN {query['id']};")["queryDescription"]["sources"]
        for source in sources:
            if source not in topics:
                topics[source] = ksql(f"DESCRIBE {source};")["sourceDescription"]["topic"]
        groups[prefix + query["id"]] = sorted({topics[source] for source in sources})
    return groups


def lag(bootstrap: str, groups: dict[str, list[str]]) -> int:
    """Records of their source topics the queries' groups have not committed yet."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-load-lag"})
    behind = 0
    try:
        metadata = consumer.list_topics(timeout=30).topics
        for group, topics in groups.items():
            partitions = [
                TopicPartition(topic, partition)
                for topic in topics
                for partition in sorted(metadata[topic].partitions)
            ]
            request = [ConsumerGroupTopicPartitions(group, partitions)]
            offsets = admin.list_consumer_group_offsets(request, request_timeout=30)
            for partition in offsets[group].result().topic_partitions:
                low, high = consumer.get_watermark_offsets(partition, timeout=30)
                committed = partition.offset if partition.offset >= 0 else low
                behind += max(0, high - committed)
    finally:
        consumer.close()
    return behind


def wait_caught_up(
    bootstrap: str, groups: dict[str, list[str]], timeout: float, tolerance: int = 0
) -> tuple[float, int]:
    """Seconds until the queries have committed all but `tolerance` records, and what is left
    then (raises after `timeout`)."""
    started = time.monotonic()
    while True:
        with contextlib.suppress(KafkaException):
            behind = lag(bootstrap, groups)
            if behind <= tolerance:
                return time.monotonic() - started, behind
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the views did not catch up within {timeout:g} s")
        time.sleep(0.5)


def summary(output: str) -> tuple[int, int, int]:
    """(sent, acknowledged, failed) over every topic of a `ksqlmv simulate` summary."""
    totals = [0, 0, 0]
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 4 and all(part.isdigit() for part in parts[1:]):
            for index in range(3):
                totals[index] += int(parts[index + 1])
    return totals[0], totals[1], totals[2]


def capacity(stack: EmbeddedStack, groups: dict[str, list[str]], burst: int) -> float:
    """Events per second the views process: a burst unpaced, timed until it is committed."""
    started = time.monotonic()
    runs = [
        simulate(
            stack,
            scenario,
            *("--count", str(int(burst * share)), "--seed", "2", "--no-pacing"),
        )
        for scenario, share in SHARES.items()
    ]
    sent = 0
    for process in runs:
        out, err = process.communicate(timeout=600)
        if process.returncode != 0:
            raise RuntimeError(f"the capacity burst failed: {err[-2000:]}")
        sent += summary(out)[1]
    # A query may keep its last record or two until more arrive: a few left are caught up.
    wait_caught_up(stack.bootstrap_servers, groups, timeout=600, tolerance=LAG_TOLERANCE)
    return sent / (time.monotonic() - started)


# -- memory -------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB, None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 3:
        return 0.0
    xs = [x for x, _ in samples]
    ys = [y for _, y in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    return 60 * sum((x - mean_x) * (y - mean_y) for x, y in samples) / spread


def memory_figures(
    series: dict[str, list[tuple[float, float]]], run_end: float, hold_start: float
) -> dict[str, dict[str, float]]:
    """Per process: RSS at the start, at the end and at its peak; its slope over the second half
    of the run, and over the hold that follows (queries running, no new input)."""
    figures = {}
    for name, samples in series.items():
        if not samples:
            continue
        run = [sample for sample in samples if sample[0] <= run_end]
        hold = [sample for sample in samples if sample[0] >= hold_start]
        figures[name] = {
            "start_mb": round(samples[0][1], 1),
            "end_mb": round(samples[-1][1], 1),
            "peak_mb": round(max(mb for _, mb in samples), 1),
            "second_half_slope_mb_per_min": round(
                slope([sample for sample in run if sample[0] >= run_end / 2]), 3
            ),
            "hold_slope_mb_per_min": round(slope(hold), 3),
        }
    return figures


class Sampler(threading.Thread):
    """RSS of every process each second, and the queries' lag every five seconds."""

    def __init__(self, pids: dict[str, int], bootstrap: str, groups: dict[str, list[str]]) -> None:
        super().__init__(name="load-sampler", daemon=True)
        self.pids = pids
        self.bootstrap = bootstrap
        self.groups = groups
        self.memory: dict[str, list[tuple[float, float]]] = {name: [] for name in pids}
        self.lag: list[tuple[float, int]] = []
        self.done = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        tick = 0
        while not self.done.wait(1.0):
            now = time.monotonic() - self.started
            for name, pid in self.pids.items():
                mb = rss_mb(pid)
                if mb is not None:
                    self.memory[name].append((now, mb))
            if tick % 5 == 0:
                with contextlib.suppress(KafkaException):
                    self.lag.append((now, lag(self.bootstrap, self.groups)))
            tick += 1


# -- push and pull queries ----------------------------------------------------------------------

# Statements of the push queries, cycled until there are enough; `ROWTIME` ones time their rows.
PUSH_STATEMENTS = (
    "SELECT ROWTIME, ORDER_ID FROM ORDERS EMIT CHANGES;",
    "SELECT ROWTIME, ORDER_ID FROM ORDER_STATUS EMIT CHANGES;",
    "SELECT * FROM ORDER_STATUS EMIT CHANGES;",
    "SELECT * FROM ORDERS_BY_STATUS EMIT CHANGES;",
    "SELECT * FROM REVENUE_PER_MINUTE EMIT CHANGES;",
    "SELECT * FROM CUSTOMER_LIFETIME_VALUE EMIT CHANGES;",
    "SELECT * FROM APP_CRASH_RATE EMIT CHANGES;",
    "SELECT * FROM TRADES_OHLC_1M EMIT CHANGES;",
    "SELECT * FROM SHIPMENT_STATUS_BY_ORDER EMIT CHANGES;",
    "SELECT * FROM ORDERS_ENRICHED EMIT CHANGES;",
    "SELECT * FROM PAYMENTS_MATCHED EMIT CHANGES;",
    "SELECT * FROM TRADES WHERE QUANTITY >= 100 EMIT CHANGES;",
    "SELECT SYMBOL, PRICE FROM TRADES WHERE SIDE = 'BUY' EMIT CHANGES;",
    "SELECT * FROM ORDERS_ENRICHED WHERE CUSTOMER_TIER = 'GOLD' EMIT CHANGES;",
    "SELECT * FROM APP_EVENTS WHERE EVENT_TYPE = 'CRASH' EMIT CHANGES;",
    "SELECT * FROM TRADES_OHLC_1M WHERE SYMBOL = 'ACME' EMIT CHANGES;",
)
TIMED = 2  # the first statements above carry ROWTIME first


async def push_query(
    client: httpx.AsyncClient, sql: str, counters: Counters, stop: asyncio.Event
) -> None:
    """One push query, held until `stop`; counts rows (and times them if it selects ROWTIME)."""
    timed = sql.startswith("SELECT ROWTIME")
    body = {"sql": sql, "properties": {"auto.offset.reset": "latest"}}
    try:
        async with client.stream("POST", "/query-stream", json=body) as response:
            if response.status_code != 200:
                counters.push_errors.append(
                    f"{sql}: {response.status_code} {await response.aread()!r}"
                )
                return
            counters.push_open += 1
            lines = response.aiter_lines()
            await anext(lines)  # the header
            async for line in lines:
                if not line.strip():
                    continue
                counters.push_rows += 1
                if timed:
                    row = json.loads(line)
                    counters.push_latencies.append(time.time() - row[0] / 1000)
                    if "ORDERS" in sql and len(counters.order_ids) < 100_000:
                        counters.order_ids.append(row[1])
                if stop.is_set():
                    break
            else:
                if not stop.is_set():
                    counters.push_errors.append(f"{sql}: ended by the server")
    except (httpx.HTTPError, StopAsyncIteration) as error:
        if not stop.is_set():
            counters.push_errors.append(f"{sql}: {type(error).__name__}: {error}")
    finally:
        counters.push_open -= 1 if counters.push_open else 0


def pull_statement(rng: random.Random, counters: Counters) -> str:
    """A pull query: mostly key lookups of orders seen by the push queries, some small scans."""
    roll = rng.random()
    if roll < 0.7 and counters.order_ids:
        key = rng.choice(counters.order_ids)
        return f"SELECT * FROM ORDER_STATUS WHERE ORDER_ID = '{key}';"
    if roll < 0.8:
        customer = f"C{rng.randint(1, 150):06d}"
        return f"SELECT * FROM CUSTOMER_LIFETIME_VALUE WHERE CUSTOMER_ID = '{customer}';"
    if roll < 0.9:
        return "SELECT * FROM ORDERS_BY_STATUS;"
    return "SELECT * FROM TRADES_OHLC_1M WHERE SYMBOL = 'ACME';"


async def pull_client(
    client: httpx.AsyncClient, number: int, counters: Counters, stop: asyncio.Event
) -> None:
    """Pull queries back to back until `stop`."""
    rng = random.Random(number)
    while not stop.is_set():
        sql = pull_statement(rng, counters)
        started = time.perf_counter()
        try:
            response = await client.post("/query-stream", json={"sql": sql})
            elapsed = time.perf_counter() - started
            if response.status_code == 200:
                counters.pull_latencies.append(elapsed)
            else:
                counters.pull_errors.append(f"{sql}: {response.status_code} {response.text[:200]}")
        except httpx.HTTPError as error:
            counters.pull_errors.append(f"{sql}: {type(error).__name__}: {error}")


async def queries(url: str, config: LoadConfig, counters: Counters, stop: asyncio.Event) -> None:
    """Every push query and pull client until `stop` is set."""
    limits = httpx.Limits(max_connections=config.push_queries + config.pull_clients + 10)
    timeout = httpx.Timeout(30.0, read=None)
    async with (
        httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as push,
        httpx.AsyncClient(base_url=url, timeout=30.0) as pull,
    ):
        statements = [PUSH_STATEMENTS[n % len(PUSH_STATEMENTS)] for n in range(config.push_queries)]
        tasks = [asyncio.create_task(push_query(push, sql, counters, stop)) for sql in statements]
        tasks += [
            asyncio.create_task(pull_client(pull, n, counters, stop))
            for n in range(config.pull_clients)
        ]
        await stop.wait()
        await asyncio.sleep(0.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class QueryLoad(threading.Thread):
    """The push and pull queries on an event loop of their own."""

    def __init__(self, url: str, config: LoadConfig) -> None:
        super().__init__(name="load-queries", daemon=True)
        self.url, self.config = url, config
        self.counters = Counters()
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            self.stop_event = asyncio.Event()
            self.ready.set()
            await queries(self.url, self.config, self.counters, self.stop_event)

        self.loop.run_until_complete(main())
        self.loop.close()

    def stop(self) -> None:
        self.ready.wait(10)
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.join(60)


# -- the run ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """The value below which `fraction` of `values` lie (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def run_load(
    stack: EmbeddedStack, config: LoadConfig, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """Prepare the platform on `stack`, run the load and return the figures."""
    prepare(stack)
    groups = query_topics(stack.ksqldb_url)
    measured = None
    rate = config.rate
    if rate is None:
        measured = capacity(stack, groups, config.burst)
        rate = measured * config.load
        say(f"capacity {measured:,.0f} events/s; running at {rate:,.0f} events/s")
    pids = {service: stack.pid(service) for service in SERVICES}
    load = QueryLoad(stack.ksqldb_url, config)
    load.start()
    load.ready.wait(10)
    time.sleep(2.0)  # the push queries are open before the events flow
    sampler = Sampler(pids, stack.bootstrap_servers, groups)
    simulators = {
        scenario: simulate(
            stack,
            scenario,
            *(
                "--rate",
                f"{rate * share / PEAK[scenario]:.2f}",
                "--duration",
                f"{config.seconds:g}",
            ),
            *("--seed", "3", "--timeout", "30"),
        )
        for scenario, share in SHARES.items()
    }
    for scenario, process in simulators.items():
        sampler.pids[f"simulate {scenario}"] = process.pid
        sampler.memory[f"simulate {scenario}"] = []
    sampler.start()
    started = time.monotonic()
    outputs: dict[str, tuple[int, int, int]] = {}
    failures: list[str] = []
    for scenario, process in simulators.items():
        out, err = process.communicate(timeout=config.seconds + 300)
        outputs[scenario] = summary(out)
        if process.returncode != 0:
            failures.append(f"simulate {scenario} exited {process.returncode}: {err[-500:]}")
    elapsed = time.monotonic() - started
    run_end = time.monotonic() - sampler.started
    pushed_during_run = load.counters.push_rows
    catch_up, lag_left = wait_caught_up(
        stack.bootstrap_servers, groups, timeout=300, tolerance=LAG_TOLERANCE
    )
    # The queries go on without new input: what memory does now is not the state's growing.
    hold_start = time.monotonic() - sampler.started
    time.sleep(config.hold)
    sampler.done.set()
    sampler.join(10)
    push_open_at_end = load.counters.push_open
    load.stop()
    counters = load.counters
    acked = sum(totals[1] for totals in outputs.values())
    failed = sum(totals[2] for totals in outputs.values())
    errors = failures + counters.push_errors + counters.pull_errors
    errors += [f"{failed} records not acknowledged"] if failed else []
    errors += (
        [f"{config.push_queries - push_open_at_end} push queries were not open at the end"]
        if push_open_at_end != config.push_queries
        else []
    )
    memory = memory_figures(sampler.memory, run_end, hold_start)
    return {
        "seconds": config.seconds,
        "capacity_events_per_s": measured,
        "rate_events_per_s": rate,
        "events_acknowledged": acked,
        "events_per_s": acked / elapsed,
        "push_queries": config.push_queries,
        "push_rows": pushed_during_run,
        "push_rows_per_s": pushed_during_run / elapsed,
        "push_latency_p50_ms": _ms(percentile(counters.push_latencies, 0.5)),
        "push_latency_p99_ms": _ms(percentile(counters.push_latencies, 0.99)),
        "pull_clients": config.pull_clients,
        "pull_queries": len(counters.pull_latencies),
        "pull_per_s": len(counters.pull_latencies) / elapsed,
        "pull_p50_ms": _ms(percentile(counters.pull_latencies, 0.5)),
        "pull_p99_ms": _ms(percentile(counters.pull_latencies, 0.99)),
        "lag_samples": sampler.lag,
        "max_lag": max((records for _, records in sampler.lag), default=0),
        "catch_up_after_run_s": round(catch_up, 1),
        "lag_left_after_run": lag_left,
        "errors": errors,
        "memory": memory,
        "memory_series": {
            name: [(round(t, 1), round(mb, 1)) for t, mb in samples]
            for name, samples in sampler.memory.items()
        },
        "memory_levels_off": all(
            figures["second_half_slope_mb_per_min"] <= config.max_slope
            and figures["hold_slope_mb_per_min"] <= config.max_slope
            for name, figures in memory.items()
            if name in SERVICES
        ),
        "config": asdict(config),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def report(results: dict[str, Any]) -> list[str]:
    """The figures as lines of text, each with its target where it has one."""
    lines = [
        f"load for {results['seconds']:g} s at {results['rate_events_per_s']:,.0f} events/s"
        + (
            f" ({results['capacity_events_per_s']:,.0f} measured capacity)"
            if results["capacity_events_per_s"]
            else ""
        ),
        f"  events acknowledged   {results['events_per_s']:,.0f}/s",
        f"  push rows             {results['push_rows_per_s']:,.0f}/s over "
        f"{results['push_queries']} queries; latency p50 {results['push_latency_p50_ms']} ms, "
        f"p99 {results['push_latency_p99_ms']} ms",
        f"  pull queries          {results['pull_per_s']:,.0f}/s from {results['pull_clients']} "
        f"clients; p50 {results['pull_p50_ms']} ms, p99 {results['pull_p99_ms']} ms "
        f"(target p99 <= {TARGETS['pull_p99_ms']:g} ms)",
        f"  lag                   max {results['max_lag']} records; caught up "
        f"{results['catch_up_after_run_s']} s after the run",
        f"  errors                {len(results['errors'])} (target {TARGETS['errors']})",
    ]
    for name, figures in results["memory"].items():
        lines.append(
            f"  RSS {name:<17} {figures['start_mb']:.0f} -> {figures['end_mb']:.0f} MB "
            f"(peak {figures['peak_mb']:.0f}); second half "
            f"{figures['second_half_slope_mb_per_min']:+.2f} MB/min, holding "
            f"{figures['hold_slope_mb_per_min']:+.2f} MB/min "
            f"(target <= {TARGETS['max_rss_slope_mb_per_min']:g})"
        )
    lines += [f"  error: {error}" for error in results["errors"][:20]]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--load", type=float, default=0.5, help="share of measured capacity")
    parser.add_argument("--hold", type=float, default=60.0, help="seconds of queries, no input")
    parser.add_argument("--rate", type=float, default=None, help="events/s instead of measuring")
    parser.add_argument("--push", type=int, default=100)
    parser.add_argument("--pull", type=int, default=8)
    args = parser.parse_args()
    config = LoadConfig(
        seconds=args.seconds,
        load=args.load,
        rate=args.rate,
        hold=args.hold,
        push_queries=args.push,
        pull_clients=args.pull,
    )
    os.environ.update(server_properties_env())  # the demo's server (the stack inherits it)
    with (
        tempfile.TemporaryDirectory(prefix="ksqlmv-load-") as data,
        EmbeddedStack(SERVICES, Path(data)) as stack,
    ):
        results = run_load(stack, config)
    results["load_average_before"] = os.getloadavg()[0]
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print("\n".join(report(results)), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    ok = (
        not results["errors"]
        and results["memory_levels_off"]
        and (results["pull_p99_ms"] or 0) <= TARGETS["pull_p99_ms"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(main())
