"""EMIT FINAL: hold each window's latest result until the window closes, then emit it once.

A window closes when stream time (the largest result timestamp seen) reaches its end plus the
grace period. Results are emitted in the order their windows close, and among windows that close
together, in the order of their last update.

The held results live in a state store (so that a restart neither loses nor repeats them), and a
heap of `(close time, update number, slot)` finds the closed ones without scanning the store;
entries of results updated since are skipped when popped.
"""

from __future__ import annotations

import heapq
from typing import Any

from ksqlmv.engine.planning.nodes import WindowSpec
from ksqlmv.engine.runtime.base import Emit
from ksqlmv.engine.runtime.stores import KeyValueStore, freeze
from ksqlmv.engine.runtime.windows import grace_of

__all__ = ["SuppressOperator"]


class SuppressOperator:
    """Buffers windowed results until their windows close."""

    def __init__(self, spec: WindowSpec, downstream: Emit, store: KeyValueStore) -> None:
        self.grace = grace_of(spec)
        self.downstream = downstream
        self.buffer = store
        """slot `(key, window)` → `(key, row, ts, window, headers, update number)`."""
        self.closes: list[tuple[int, int, Any]] = []
        self.stream_time = -1
        self.updates = 0

    def snapshot(self) -> Any:
        """Stream time and the update counter (for checkpoints)."""
        return [self.stream_time, self.updates]

    def restored(self, snapshot: Any) -> None:
        """Resume after the store was restored: rebuild the heap of close times."""
        if snapshot is not None:
            self.stream_time, self.updates = snapshot
        self.closes = []
        for slot, item in self.buffer.data.items():
            self._schedule(slot, item)
        heapq.heapify(self.closes)

    def _schedule(self, slot: Any, item: tuple[Any, ...]) -> None:
        window = item[3]
        if window is not None:  # results without a window never close
            self.closes.append((window[1] + self.grace, item[5], slot))

    def __call__(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Buffer one result and emit the windows that have closed."""
        if ts > self.stream_time:
            self.stream_time = ts
        slot = (freeze(key), window)
        buffer = self.buffer
        if row is None:
            if slot in buffer.data:
                buffer.put(slot, None, ts)
        else:
            self.updates += 1
            item = (key, row, ts, window, headers, self.updates)
            buffer.put(slot, item, ts)
            if window is not None:
                heapq.heappush(self.closes, (window[1] + self.grace, self.updates, slot))
        self._evict()

    def _evict(self) -> None:
        closes = self.closes
        data = self.buffer.data
        while closes and closes[0][0] <= self.stream_time:
            _, update, slot = heapq.heappop(closes)
            item = data.get(slot)
            if item is None or item[5] != update:
                continue  # deleted or updated since: its newer entry decides
            self.buffer.put(slot, None, self.stream_time)
            key, row, ts, window, headers, _ = item
            self.downstream(key, row, ts, window, headers, None)
