"""EMIT FINAL for tumbling and hopping windows: each window's result once, when it closes.

This follows Kafka Streams' emit-on-window-close, which ksqlDB uses for `EMIT FINAL`: after every
record, the window close time is `stream time - grace` (ksqlDB makes the grace 0 when the query
gives none). When it has moved on, the windows whose *start* lies in `[lower, upper]` are emitted
from the aggregation's store, where `upper = close time - size` and `lower` is just past the
previous emission's range, so each window is emitted once, in order of start and then key. A
window that started more than `retention` before stream time (retention: the RETENTION clause,
else size + grace) has left the store by then and is not emitted, as ksqlDB's outputs show.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

from ksqlmv.engine.planning.nodes import WindowSpec
from ksqlmv.engine.runtime.stores import KeyValueStore
from ksqlmv.engine.runtime.windows import time_windows

__all__ = ["FinalEmitter"]

NO_TIMESTAMP = -1

Emit = Callable[[Any, Any, Any], None]
"""`emit(slot, stored, headers)`: send one window's final result on."""


class FinalEmitter:
    """Decides, after each record, which windows of an aggregation's store are final."""

    def __init__(self, spec: WindowSpec, grace: int, store: KeyValueStore, emit: Emit) -> None:
        self.spec = spec
        self.size = spec.size_ms
        self.grace = grace
        self.retention = spec.retention_ms or (spec.size_ms + grace)
        self.store = store
        self.emit = emit
        self.last_emit = NO_TIMESTAMP
        self.starts: list[tuple[int, int, Any]] = []
        self._order = itertools.count()

    def written(self, slot: Any, new: bool) -> None:
        """A window of the store was written (`new`: it did not exist before)."""
        if new:
            heapq.heappush(self.starts, (slot[1], next(self._order), slot))

    def restored(self) -> None:
        """Schedule the restored store's windows that were not emitted yet (`last_emit` set)."""
        last = self.last_emit
        emitted_up_to = None if last == NO_TIMESTAMP else last - self.size
        starts = [
            (slot[1], next(self._order), slot)
            for slot in self.store.data
            if emitted_up_to is None or slot[1] > emitted_up_to
        ]
        heapq.heapify(starts)
        self.starts = starts

    def advance(self, stream_time: int, headers: Any) -> None:
        """Emit the windows that the record just processed has closed."""
        close = stream_time - self.grace
        last = self.last_emit
        if last != NO_TIMESTAMP and last >= close:
            return
        upper = close - self.size
        if upper < 0:
            return
        lower = 0 if last == NO_TIMESTAMP else max(0, last - self.size) + 1
        if last != NO_TIMESTAMP and time_windows(self.spec, upper) == time_windows(
            self.spec, lower - 1
        ):
            return  # no window closed since the last emission
        oldest = max(lower, stream_time - self.retention)
        due: list[Any] = []
        starts = self.starts
        while starts and starts[0][0] <= upper:
            start, _, slot = heapq.heappop(starts)
            if start >= oldest:
                due.append(slot)
        data = self.store.data
        for slot in _in_store_order(due):
            stored = data.get(slot)
            if stored is not None:
                self.emit(slot, stored, headers)
        self.last_emit = close


def _in_store_order(slots: list[Any]) -> list[Any]:
    """By window start, then key (as a store ordered by time, then key, iterates them)."""
    try:
        return sorted(slots, key=lambda slot: (slot[1], slot[0]))
    except TypeError:  # keys holding NULLs or mixed types: order them by their text
        return sorted(slots, key=lambda slot: (slot[1], repr(slot[0])))
