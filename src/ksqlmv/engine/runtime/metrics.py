"""Per-topic statistics of an engine's queries, as DESCRIBE EXTENDED shows them.

ksqlDB counts, for each topic, the records its queries consumed from it
(`consumer-messages-per-sec`, `consumer-total-messages`, `consumer-total-bytes`), the records
they produced to it
(`messages-per-sec`, `total-messages`) and the records of it that failed to deserialize
(`consumer-failed-messages`, `consumer-failed-messages-per-sec`), with the time of the last one,
and prints them as `MetricCollectors.format` does.

The per-record cost is one or two attribute increments on a `Counter` that the query's source
or sink holds (no lock, no clock): the engine thread writes, readers only read ints. Times and
rates come from `sample()`, which the Kafka driver runs at each commit and DESCRIBE runs before
it reads: a counter that moved since the previous sample gets that sample's wall-clock time as
its last-message time, and its rate is Kafka's `Rate` over two 30-second windows (the count over
the samples of the last minute, divided by their span, at least 30 s).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque

__all__ = ["Counter", "Metrics", "format_stats", "iso_instant"]

WINDOW_S = 30.0
"""Kafka's default `metrics.sample.window.ms` (its `metrics.num.samples` is 2)."""


class Counter:
    """Records counted on the per-record path, and what sampling learns from them."""

    __slots__ = ("bytes", "count", "last_ms", "samples")

    def __init__(self, started: float | None = None) -> None:
        self.count = 0
        self.bytes = 0
        self.last_ms = 0
        """Wall-clock ms of the sample that first saw the latest count (0: never)."""
        # Counting starts at 0 now: records counted before the first sample are in the rate.
        now = time.monotonic() if started is None else started
        self.samples: deque[tuple[float, int]] = deque([(now, 0)])

    def sample(self, now: float, wall_ms: int) -> None:
        """Note the count at monotonic time `now`."""
        samples = self.samples
        if self.count != samples[-1][1]:
            self.last_ms = wall_ms
        samples.append((now, self.count))
        while len(samples) > 2 and samples[1][0] <= now - 2 * WINDOW_S:
            samples.popleft()

    def rate(self, now: float) -> float:
        """Records per second over the sampled windows (Kafka's `Rate`)."""
        first_time, first_count = self.samples[0]
        elapsed = max(now - first_time, WINDOW_S)
        return (self.count - first_count) / elapsed


class Metrics:
    """The counters of every query of an engine, by topic."""

    def __init__(self) -> None:
        self.consumers: dict[tuple[str, str], Counter] = {}
        self.producers: dict[tuple[str, str], Counter] = {}
        self.failures: dict[str, Counter] = {}
        self.sampled = 0.0

    def consumer(self, query_id: str, topic: str) -> Counter:
        """The counter of records `query_id` reads from `topic`."""
        return self.consumers.setdefault((query_id, topic.lower()), Counter())

    def producer(self, query_id: str, topic: str) -> Counter:
        """The counter of records `query_id` writes to `topic`."""
        return self.producers.setdefault((query_id, topic.lower()), Counter())

    def failed(self, topic: str) -> None:
        """A record of `topic` could not be deserialized."""
        counter = self.failures.setdefault(topic.lower(), Counter())
        counter.count += 1

    def forget(self, query_id: str) -> None:
        """Drop the counters of a query that stopped."""
        for table in (self.consumers, self.producers):
            for key in [k for k in table if k[0] == query_id]:
                del table[key]

    def sample(self, *, every: float = 1.0) -> None:
        """Sample every counter (see the module's docstring), unless the last sample is less
        than `every` seconds old (each query's commit asks; once a second is enough)."""
        now, wall_ms = time.monotonic(), int(time.time() * 1000)
        if now - self.sampled < every:
            return
        self.sampled = now
        for table in (self.consumers, self.producers, self.failures):
            for counter in list(table.values()):
                counter.sample(now, wall_ms)

    def stats(self, topic: str, is_error: bool) -> list[tuple[str, float, int]]:
        """`(name, value, last ms)` of each statistic of `topic`, as ksqlDB aggregates them."""
        now = time.monotonic()
        topic = topic.lower()
        if is_error:
            failed = self.failures.get(topic)
            if failed is None:
                return []
            return [
                ("consumer-failed-messages", float(failed.count), failed.last_ms),
                ("consumer-failed-messages-per-sec", failed.rate(now), failed.last_ms),
            ]
        found: list[tuple[str, float, int]] = []
        consumed = [c for (_, t), c in self.consumers.items() if t == topic]
        if consumed:
            last = max(c.last_ms for c in consumed)
            found += [
                ("consumer-messages-per-sec", sum(c.rate(now) for c in consumed), last),
                ("consumer-total-bytes", float(sum(c.bytes for c in consumed)), last),
                ("consumer-total-messages", float(sum(c.count for c in consumed)), last),
            ]
        produced = [c for (_, t), c in self.producers.items() if t == topic]
        if produced:
            last = max(c.last_ms for c in produced)
            found += [
                ("messages-per-sec", sum(c.rate(now) for c in produced), last),
                ("total-messages", float(sum(c.count for c in produced)), last),
            ]
        return found

    def formatted(self, topic: str, is_error: bool) -> str:
        """The `statistics` (or `errorStats`) text of DESCRIBE EXTENDED for `topic`."""
        return format_stats(
            self.stats(topic, is_error), "last-failed" if is_error else "last-message"
        )


def format_stats(stats: list[tuple[str, float, int]], last_label: str) -> str:
    """ksqlDB's `MetricCollectors.format`: each stat as `%16s:%10.0f` (`%10.2f` when it has a
    fraction) followed by a space, then the first stat's time as `%16s: %9s`."""
    parts = []
    for name, value, _ in stats:
        number = f"{value:10.0f}" if value == round(value) else f"{value:10.2f}"
        parts.append(f"{name:>16}:{number} ")
    if stats:
        parts.append(f"{last_label:>16}: {iso_instant(stats[0][2]):>9}")
    return "".join(parts)


def iso_instant(millis: int) -> str:
    """Java's `ISO_OFFSET_DATE_TIME` of an instant in UTC (`n/a` for 0), as ksqlDB prints it."""
    if millis == 0:
        return "n/a"
    moment = dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = millis % 1000
    if fraction:
        text += "." + f"{fraction:03d}".rstrip("0")
    return text + "Z"
