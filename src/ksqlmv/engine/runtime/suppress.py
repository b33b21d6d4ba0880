"""EMIT FINAL: hold each window's latest result until the window closes, then emit it once.

A window closes when stream time (the largest result timestamp seen) reaches its end plus the
grace period. Results are emitted in the order their windows close.
"""

from __future__ import annotations

from typing import Any

from ksqlmv.engine.planning.nodes import WindowSpec
from ksqlmv.engine.runtime.base import Emit
from ksqlmv.engine.runtime.stores import freeze
from ksqlmv.engine.runtime.windows import grace_of

__all__ = ["SuppressOperator"]


class SuppressOperator:
    """Buffers windowed results until their windows close."""

    def __init__(self, spec: WindowSpec, downstream: Emit) -> None:
        self.grace = grace_of(spec)
        self.downstream = downstream
        self.buffer: dict[Any, tuple[Any, ...]] = {}
        self.stream_time = -1

    def __call__(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Buffer one result and emit the windows that have closed."""
        if ts > self.stream_time:
            self.stream_time = ts
        slot = (freeze(key), window)
        if row is None:
            self.buffer.pop(slot, None)
        else:
            self.buffer.pop(slot, None)
            self.buffer[slot] = (key, row, ts, window, headers)
        self._evict()

    def _evict(self) -> None:
        closed = [
            (slot, item)
            for slot, item in self.buffer.items()
            if item[3] is not None and item[3][1] + self.grace <= self.stream_time
        ]
        closed.sort(key=lambda entry: entry[1][3][1])
        for slot, (key, row, ts, window, headers) in closed:
            del self.buffer[slot]
            self.downstream(key, row, ts, window, headers, None)
