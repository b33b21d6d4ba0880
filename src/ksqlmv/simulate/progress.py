"""Counting what a run sends, and showing it: live on a terminal, periodic lines otherwise.

The produce loop counts `sent`; librdkafka's delivery reports count `acknowledged` and
`failed`. A display is refreshed from the loop (never from a thread), so it costs nothing
between refreshes: a live table on a terminal every half second, or one plain line every few
seconds when the output is a file or a pipe.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Display", "LineDisplay", "LiveDisplay", "Stats", "Summary", "TopicStats", "TopicTotals"]


class TopicStats:
    """Counters of one topic; delivery reports update them in place."""

    __slots__ = ("_previous", "acked", "failed", "last_error", "name", "rate", "sent")

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent = 0
        self.acked = 0
        self.failed = 0
        self.last_error: str | None = None
        self.rate = 0.0
        self._previous = 0

    def sample(self, seconds: float) -> None:
        """Update `rate` (records sent per second) over the last `seconds`."""
        if seconds > 0:
            self.rate = (self.sent - self._previous) / seconds
        self._previous = self.sent


class Stats:
    """Counters of every topic of a run, in the scenario's order."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = {name: TopicStats(name) for name in topics}
        self.started = time.monotonic()
        self._sampled = self.started

    def sample(self) -> None:
        """Recompute each topic's current rate since the previous sample."""
        now = time.monotonic()
        for stats in self.topics.values():
            stats.sample(now - self._sampled)
        self._sampled = now

    @property
    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    def total(self, what: str) -> int:
        """The sum of one counter (`sent`, `acked`, `failed`) over all topics."""
        return sum(getattr(stats, what) for stats in self.topics.values())

    def summary(self, scenario: str, seed: int, interrupted: bool) -> Summary:
        """The final figures."""
        return Summary(
            scenario,
            seed,
            self.elapsed,
            tuple(
                TopicTotals(s.name, s.sent, s.acked, s.failed, s.last_error)
                for s in self.topics.values()
            ),
            interrupted,
        )


@dataclass(frozen=True, slots=True)
class TopicTotals:
    """What one topic received in a run."""

    topic: str
    sent: int
    acknowledged: int
    failed: int
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """The outcome of a run: per-topic totals, how long it took, and the seed to repeat it."""

    scenario: str
    seed: int
    elapsed: float
    topics: tuple[TopicTotals, ...]
    interrupted: bool = False

    @property
    def sent(self) -> int:
        """Records sent, all topics."""
        return sum(topic.sent for topic in self.topics)

    @property
    def acknowledged(self) -> int:
        """Records the broker acknowledged, all topics."""
        return sum(topic.acknowledged for topic in self.topics)

    @property
    def failed(self) -> int:
        """Records that failed, all topics."""
        return sum(topic.failed for topic in self.topics)

    def render(self) -> str:
        """A small table, then one line of totals."""
        width = max([len(topic.topic) for topic in self.topics] + [5])
        lines = [f"{'topic':<{width}}  {'sent':>10}  {'acked':>10}  {'failed':>8}"]
        for topic in self.topics:
            lines.append(
                f"{topic.topic:<{width}}  {topic.sent:>10}  {topic.acknowledged:>10}  "
                f"{topic.failed:>8}"
            )
            if topic.last_error:
                lines.append(f"{'':<{width}}  last error: {topic.last_error}")
        rate = self.sent / self.elapsed if self.elapsed > 0 else 0.0
        state = "interrupted" if self.interrupted else "done"
        lines.append(
            f"{state}: {self.scenario}, {self.sent} sent, {self.acknowledged} acknowledged, "
            f"{self.failed} failed in {self.elapsed:.1f} s ({rate:,.0f}/s), seed {self.seed}"
        )
        return "\n".join(lines)


class Display:
    """Shows a run's progress; this base class shows nothing."""

    every = 1.0

    def update(self, stats: Stats) -> None:
        """Called from the produce loop about every `every` seconds."""

    def message(self, text: str) -> None:
        """A notice that should stay visible (a warning, a schema switch)."""

    def close(self) -> None:
        """The run is over: leave the screen tidy for the summary."""


class LineDisplay(Display):
    """One plain line every `every` seconds: for logs, pipes and containers."""

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        self.stream = stream
        self.every = every

    def update(self, stats: Stats) -> None:
        stats.sample()
        rates = " ".join(f"{s.name}={s.rate:,.0f}/s" for s in stats.topics.values() if s.sent)
        self.stream.write(
            f"{stats.elapsed:7.1f}s sent {stats.total('sent')} acked {stats.total('acked')} "
            f"failed {stats.total('failed')} | {rates}\n"
        )
        self.stream.flush()

    def message(self, text: str) -> None:
        self.stream.write(f"{text}\n")
        self.stream.flush()


class LiveDisplay(Display):
    """A table redrawn in place on a terminal (ANSI cursor movement), twice a second."""

    every = 0.5

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._drawn = 0

    def update(self, stats: Stats) -> None:
        stats.sample()
        width = max(len(name) for name in stats.topics)
        lines = [f"{'topic':<{width}}  {'sent':>10}  {'acked':>10}  {'failed':>8}  {'rate/s':>9}"]
        for s in stats.topics.values():
            lines.append(
                f"{s.name:<{width}}  {s.sent:>10}  {s.acked:>10}  {s.failed:>8}  {s.rate:>9,.0f}"
            )
        total_rate = sum(s.rate for s in stats.topics.values())
        lines.append(
            f"{'all':<{width}}  {stats.total('sent'):>10}  {stats.total('acked'):>10}  "
            f"{stats.total('failed'):>8}  {total_rate:>9,.0f}   {stats.elapsed:.0f} s"
        )
        self._erase()
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        self._drawn = len(lines)

    def message(self, text: str) -> None:
        self._erase()
        self.stream.write(f"{text}\n")
        self.stream.flush()

    def close(self) -> None:
        self._erase()

    def _erase(self) -> None:
        if self._drawn:
            # Up to the table's first line, then clear to the end of the screen.
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0
