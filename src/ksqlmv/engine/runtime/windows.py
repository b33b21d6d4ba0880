"""Window assignment and lateness, as Kafka Streams does it for ksqlDB.

Tumbling and hopping windows are aligned to the epoch, start inclusive and end exclusive. A
record is late, and dropped for a window, when that window ended at or before
`stream time - grace`. Without a GRACE PERIOD, ksqlDB allows 24 hours.
"""

from __future__ import annotations

from ksqlmv.engine.planning.nodes import WindowSpec

__all__ = ["DEFAULT_GRACE_MS", "grace_of", "time_windows"]

DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000


def grace_of(spec: WindowSpec) -> int:
    """The grace period of a window clause in ms."""
    return DEFAULT_GRACE_MS if spec.grace_ms is None else spec.grace_ms


def time_windows(spec: WindowSpec, ts: int) -> list[tuple[int, int]]:
    """The [start, end) windows a record at `ts` falls into (tumbling or hopping)."""
    size, advance = spec.size_ms, spec.advance_ms
    if spec.kind == "TUMBLING":
        start = ts - ts % size
        return [(start, start + size)]
    first = max(0, ts - size + advance) // advance * advance
    windows = []
    start = first
    while start <= ts:
        windows.append((start, start + size))
        start += advance
    return windows
