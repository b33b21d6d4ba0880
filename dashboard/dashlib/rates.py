"""Events per second, measured where the server reports no statistics.

ksqlDB's DESCRIBE EXTENDED carries `statistics` (messages per second in and out of each source's
topic); a server that leaves them empty still serves push queries. Then each stream is metered by
a shared one-row reader (`ReaderKey(kind="STREAM", max_rows=1)`): every event bumps its table's
version, and the rate is the change in version over the change in time between two looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["METER_ROWS", "RateBook", "Sample"]

METER_ROWS = 1
"""A meter keeps one row: it counts events, it does not show them."""


@dataclass(frozen=True, slots=True)
class Sample:
    """A reader's change counter at one moment."""

    at: float
    count: int


@dataclass(slots=True)
class RateBook:
    """The last sample and rate per name; a viewer keeps one between refreshes."""

    min_interval: float = 0.5
    samples: dict[str, Sample] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)

    def update(self, name: str, count: int, at: float) -> float | None:
        """Record `count` at `at`; the rate since the previous sample (None on the first look).

        A counter that went back (the reader restarted) starts the measurement again.
        """
        previous = self.samples.get(name)
        if previous is not None and at - previous.at < self.min_interval:
            return self.rates.get(name)
        self.samples[name] = Sample(at, count)
        if previous is None or count < previous.count:
            self.rates.pop(name, None)
            return None
        self.rates[name] = (count - previous.count) / (at - previous.at)
        return self.rates[name]
