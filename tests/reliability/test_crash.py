"""Crash: `kill -9` each service in turn, then all at once, while the shop and trading simulators
produce and the demo's views (ksql/migrations) run; nothing acknowledged is lost or doubled and
the views end as a run without crashes ends.

Two platforms get the same input (fixed seed, count, rate and start): a reference run left alone
and a crash run whose services are killed while events flow, each kill followed by a restart on
the same data and ports. Afterwards:

- every event the simulators report acknowledged is in its topic exactly once, byte for byte
  what the simulation generates (the simulation is recomputed here from its seed);
- every view's contents equal the reference run's, streams record for record: the platform's
  server processes exactly once (`ksqlmv.demo.plan.SERVER_PROPERTIES`), so a crash neither loses
  nor repeats a result;
- every schema keeps its id, and the migrations metadata is what it was before the kills.

The input is chosen so that no window closes while events flow (the first event at a minute
boundary, under ten seconds of trades against their ten-second grace), so the views do not depend
on how records from different partitions interleave, which no run controls.
"""

from __future__ import annotations

import io
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import fastavro
import httpx
import pytest

from ksqlmv.simulate import Event, Simulation, load_scenario, parse_instant

pytestmark = [pytest.mark.reliability, pytest.mark.integration, pytest.mark.slow]

START = "2025-03-03T10:00:00Z"
PRODUCERS = Path(__file__).resolve().parents[2] / "producers"


@dataclass(frozen=True, slots=True)
class Feed:
    """One simulator run of the test's input."""

    scenario: str
    seed: int
    count: int
    rate: float


# The shop runs about 35 s; the trades come in a session-open burst of under 10 s.
FEEDS = (Feed("shop", 11, 2000, 50.0), Feed("trading", 11, 500, 10.0))
# Seconds after every topic has its first record, and which services die together then (each
# kill and restart takes a few seconds; the broker's last, as the slowest).
KILLS = (
    (2.0, ("registry",)),
    (7.0, ("ksql",)),
    (13.0, ("broker", "registry", "ksql")),
    (19.0, ("broker",)),
)
# Views over the input topics and over tables; then the windowed bars of TRADES_OHLC_1M, and the
# view that aggregates another view's stream.
VIEWS_OVER_INPUT = (
    "APP_CRASH_RATE",
    "ORDERS_BY_STATUS",
    "ORDERS_ENRICHED",
    "ORDER_STATUS",
    "PAYMENTS_MATCHED",
    "REVENUE_PER_MINUTE",
)
VIEWS_WITH_ROWS = (*VIEWS_OVER_INPUT, "TRADES_OHLC_1M", "CUSTOMER_LIFETIME_VALUE")
# Shipments start a minute after their orders, beyond this input.
VIEWS_WITHOUT_ROWS = ("SHIPMENT_STATUS_BY_ORDER",)


@dataclass
class Outcome:
    """What one run left behind."""

    summaries: dict[str, str] = field(default_factory=dict)
    topics: dict[str, list[Any]] = field(default_factory=dict)
    views: dict[str, list[str]] = field(default_factory=dict)
    schemas_before: dict[str, Any] = field(default_factory=dict)
    schemas_after: dict[str, Any] = field(default_factory=dict)
    metadata_before: list[str] = field(default_factory=list)
    metadata_after: list[str] = field(default_factory=list)
    killed: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)


def _run(platform: Any, kills: tuple[tuple[float, tuple[str, ...]], ...]) -> Outcome:
    outcome = Outcome()
    # Topics and schemas first, as a simulator creates them; then the views, so that they are
    # running while the events flow, as in the demo.
    for feed in FEEDS:
        platform.ksqlmv("simulate", feed.scenario, "--count", "0", "--seed", "1")
    platform.migrate("initialize-metadata")
    platform.migrate("apply", "--all")
    outcome.metadata_before = platform.pull("SELECT * FROM MIGRATION_SCHEMA_VERSIONS;")
    simulators = {
        feed.scenario: platform.simulate(
            feed.scenario, seed=feed.seed, count=feed.count, rate=feed.rate, start=START
        )
        for feed in FEEDS
    }
    # Kills start once every topic has its first record: a simulator's first record of a topic
    # needs the registry (test_simulator_rides_out_a_registry_restart).
    topics = sorted({event.topic for feed in FEEDS for event in _events(feed)})
    platform.wait_for_records(topics, timeout=120)
    outcome.schemas_before = platform.schema_ids()
    began = time.monotonic()
    for at, services in kills:
        time.sleep(max(0.0, began + at - time.monotonic()))
        platform.kill(*services)
        outcome.killed.append((round(time.monotonic() - began, 1), services))
    for name, process in simulators.items():
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, f"simulate {name} exited {process.returncode}:\n{err}"
        outcome.summaries[name] = out
    outcome.views = platform.settle()
    outcome.schemas_after = platform.schema_ids()
    outcome.metadata_after = platform.pull("SELECT * FROM MIGRATION_SCHEMA_VERSIONS;")
    for topic in topics:
        outcome.topics[topic] = platform.topic(topic)
    return outcome


def _events(feed: Feed) -> list[Event]:
    """The events `ksqlmv simulate` sends for `feed`, recomputed from its seed."""
    scenario = load_scenario(feed.scenario, PRODUCERS)
    simulation = Simulation(scenario, seed=feed.seed, start_ms=parse_instant(START), rate=feed.rate)
    return list(itertools.islice(simulation, feed.count))


def _expected_records(platform: Any) -> dict[str, list[Any]]:
    """Every record the simulators send for FEEDS, as (key, value bytes, timestamp) per topic."""
    registry_url = platform.stack.schema_registry_url
    expected: dict[str, list[Any]] = {}
    for feed in FEEDS:
        scenario = load_scenario(feed.scenario, PRODUCERS)
        writers: dict[tuple[str, int], tuple[bytes, Any]] = {}
        for name, spec in scenario.topics.items():
            for index, version in enumerate(spec.versions):
                found = httpx.post(
                    f"{registry_url}/subjects/{spec.subject}",
                    json={"schema": version.text},
                    timeout=30,
                )
                if found.status_code == 200:  # versions the run never reached are not there
                    schema_id = found.json()["id"]
                    parsed = fastavro.parse_schema(json.loads(version.text))
                    writers[(name, index)] = (b"\0" + schema_id.to_bytes(4, "big"), parsed)
        for event in _events(feed):
            value = None
            if event.value is not None:
                prefix, parsed = writers[(event.topic, event.schema)]
                buffer = io.BytesIO()
                fastavro.schemaless_writer(buffer, parsed, event.value)
                value = prefix + buffer.getvalue()
            expected.setdefault(event.topic, []).append(
                (event.key.encode(), value, event.timestamp)
            )
    return expected


def _parallel(*jobs: Callable[[], Outcome]) -> list[Outcome]:
    """Run the jobs on threads of their own (each drives its own platform); their outcomes."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def work(index: int, job: Callable[[], Outcome]) -> None:
        try:
            results[index] = job()
        except BaseException as error:  # re-raised below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@dataclass(frozen=True, slots=True)
class Runs:
    """The two runs over the same input, and their platforms."""

    reference: Outcome
    crashed: Outcome
    reference_platform: Any
    crash_platform: Any


@pytest.fixture(scope="module")
def runs(platform_factory: Callable[..., Any]) -> Runs:
    """A reference run and a crash run, side by side."""
    reference_platform = platform_factory("reference")
    crash_platform = platform_factory("crash")
    reference, crashed = _parallel(
        lambda: _run(reference_platform, ()),
        lambda: _run(crash_platform, KILLS),
    )
    assert [services for _, services in crashed.killed] == [s for _, s in KILLS]
    return Runs(reference, crashed, reference_platform, crash_platform)


@pytest.mark.parametrize("run", ["reference", "crashed"])
def test_every_acknowledged_event_is_in_its_topic_once(runs: Runs, run: str) -> None:
    outcome = getattr(runs, run)
    platform = runs.crash_platform if run == "crashed" else runs.reference_platform
    for feed in FEEDS:
        counts = platform.summary_counts(outcome.summaries[feed.scenario])
        sent = sum(topic[0] for topic in counts.values())
        acked = sum(topic[1] for topic in counts.values())
        assert (sent, acked) == (feed.count, feed.count), outcome.summaries[feed.scenario]
    for topic, records in _expected_records(platform).items():
        got = outcome.topics[topic]
        missing = Counter(records) - Counter(got)
        extra = Counter(got) - Counter(records)
        assert not missing and not extra, (
            f"{topic}: {sum(missing.values())} acknowledged records missing, "
            f"{sum(extra.values())} records not sent or written twice"
        )


def _compare(runs: Runs, views: tuple[str, ...]) -> None:
    reference, crashed = runs.reference.views, runs.crashed.views
    tables = {t["name"] for t in runs.crash_platform.ksql("SHOW TABLES;")[0]["tables"]}
    for view in views:
        rows = reference[view]
        if view in VIEWS_WITHOUT_ROWS:
            assert not rows, f"{view} has rows: move it to VIEWS_WITH_ROWS"
        else:
            assert rows, f"{view} is empty in the reference run: the input does not reach it"
        if view in tables:
            assert crashed[view] == rows, f"{view} differs after the crashes"
        else:
            assert sorted(crashed[view]) == sorted(rows), f"{view} differs after the crashes"


def test_every_view_is_compared(runs: Runs) -> None:
    compared = set(VIEWS_WITH_ROWS + VIEWS_WITHOUT_ROWS)
    assert set(runs.reference.views) == compared
    assert set(runs.crashed.views) == compared


def test_views_end_as_without_crashes(runs: Runs) -> None:
    _compare(runs, VIEWS_OVER_INPUT + VIEWS_WITHOUT_ROWS)


# TRADES_OHLC_1M's columns: symbol, window start and end, open, high, low, close, volume, VWAP and
# trade count.
OPEN, CLOSE = 3, 6


def _window_prices() -> dict[tuple[str, int], set[Decimal]]:
    """The prices each symbol traded at in each minute of the input (by `executed_at`)."""
    (feed,) = [feed for feed in FEEDS if feed.scenario == "trading"]
    prices: dict[tuple[str, int], set[Decimal]] = {}
    for event in _events(feed):
        if event.topic == "trades" and event.value is not None:
            executed = event.value["executed_at"]
            window = (event.value["symbol"], executed - executed % 60_000)
            prices.setdefault(window, set()).add(Decimal(str(event.value["price"])))
    return prices


def _bars(rows: list[str]) -> list[list[Any]]:
    return [json.loads(row, parse_float=Decimal) for row in rows]


def test_windowed_views_end_as_without_crashes(runs: Runs) -> None:
    """Every bar's high, low, volume, VWAP and count as without crashes. Its open and close
    (EARLIEST_BY_OFFSET and LATEST_BY_OFFSET after GROUP BY SYMBOL) depend on the order in which
    records of the trades topic's three partitions are merged into one symbol's stream, which
    Kafka leaves open (ksqlDB's repartition topic takes them as its tasks send them), and which a
    restart can change: they must be prices that symbol traded at in that minute."""
    reference = _bars(runs.reference.views["TRADES_OHLC_1M"])
    crashed = _bars(runs.crashed.views["TRADES_OHLC_1M"])
    assert reference, "TRADES_OHLC_1M is empty in the reference run: the input does not reach it"

    def without_open_and_close(bars: list[list[Any]]) -> list[list[Any]]:
        return sorted([*bar[:OPEN], *bar[OPEN + 1 : CLOSE], *bar[CLOSE + 1 :]] for bar in bars)

    assert without_open_and_close(crashed) == without_open_and_close(reference)
    prices = _window_prices()
    for bar in crashed:
        traded = prices[(bar[0], bar[1])]
        assert {bar[OPEN], bar[CLOSE]} <= traded, (bar, sorted(traded))


def test_aggregates_of_view_streams_end_as_without_crashes(runs: Runs) -> None:
    _compare(runs, ("CUSTOMER_LIFETIME_VALUE",))


def test_schema_ids_never_change(runs: Runs) -> None:
    before, after = runs.crashed.schemas_before, runs.crashed.schemas_after
    assert {"orders-value", "trades-value"} <= set(before)
    changed = {subject for subject, versions in before.items() if after.get(subject) != versions}
    assert not changed, {subject: (before[subject], after.get(subject)) for subject in changed}


def test_migrations_metadata_survives(runs: Runs) -> None:
    crashed = runs.crashed
    assert crashed.metadata_after == crashed.metadata_before
    rows = [json.loads(row) for row in crashed.metadata_after]
    migrated = {row[0] for row in rows if row[3] == "MIGRATED"}
    assert {str(version) for version in range(1, 17)} <= migrated, rows
    runs.crash_platform.migrate("validate")
    info = runs.crash_platform.migrate("info").stdout
    assert "16" in info.splitlines()[0], info


def test_services_stop_in_time_when_the_broker_dies(runs: Runs) -> None:
    late = [line for line in runs.crash_platform.log().splitlines() if "did not stop" in line]
    assert not late, late
