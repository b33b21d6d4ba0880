"""State stores: the tables stateful operators keep, and what pull queries read.

A `KeyValueStore` maps frozen key tuples to values; a `WindowStore` maps (key, window start,
window end). Every change can be mirrored to a changelog through a callback (the drivers write
it to the store's compacted changelog topic, and replay that topic to restore the store).
Keys are frozen (lists → tuples, maps → sorted item tuples) so that any SQL key is hashable.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

__all__ = ["Changelog", "KeyValueStore", "WindowStore", "freeze", "needs_freezing"]

Changelog = Callable[[Any, int], None]
"""Called with `(key, timestamp)` after each change (the value is read from the store when the
change is written out)."""


def freeze(value: Any) -> Any:
    """A hashable version of a key value (lists and dicts become tuples)."""
    if type(value) is tuple:
        for item in value:
            if isinstance(item, list | dict | tuple):
                break
        else:
            return value  # the common case: a tuple of scalars is hashable as it is
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in value.items())
    if isinstance(value, tuple):
        return tuple(freeze(v) for v in value)
    return value


def needs_freezing(values: tuple[Any, ...]) -> bool:
    """True when a key tuple holds lists or dicts."""
    return any(isinstance(v, list | dict | tuple) for v in values)


class KeyValueStore:
    """An in-memory key-value store with an optional changelog."""

    def __init__(self, name: str, changelog: Changelog | None = None) -> None:
        self.name = name
        self.data: dict[Any, Any] = {}
        self.changelog = changelog

    def get(self, key: Any) -> Any:
        """The value of `key`, or None."""
        return self.data.get(key)

    def put(self, key: Any, value: Any, ts: int = 0) -> None:
        """Set `key` to `value` (None deletes)."""
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        if self.changelog is not None:
            self.changelog(key, ts)

    def restore(self, key: Any, value: Any) -> None:
        """Apply one changelog record without writing it back."""
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value

    def restore_many(self, entries: Iterable[tuple[Any, Any]]) -> None:
        """Apply changelog records in order, without writing them back."""
        for key, value in entries:
            self.restore(key, value)

    def items(self) -> Iterator[tuple[Any, Any]]:
        """Every entry, in insertion order."""
        return iter(list(self.data.items()))

    def range(self, low: Any, high: Any) -> Iterator[tuple[Any, Any]]:
        """Entries whose key lies in [low, high] (None bounds are open)."""
        for key, value in list(self.data.items()):
            if _in_range(key, low, high):
                yield key, value

    def __len__(self) -> int:
        return len(self.data)


class WindowStore(KeyValueStore):
    """A store of windowed entries keyed by `(key, start, end)`, with expiry by time.

    Two indexes keep per-record work independent of the store's size: the windows of each key,
    and a heap of window ends for expiry (entries deleted meanwhile are skipped when popped).
    """

    def __init__(self, name: str, changelog: Changelog | None = None) -> None:
        super().__init__(name, changelog)
        self.by_key: dict[Any, set[tuple[int, int]]] = {}
        self.ends: list[tuple[int, int, Any]] = []
        self._pushed = itertools.count()  # ties on the end never compare keys

    def _track(self, slot: Any, present: bool) -> None:
        key, start, end = slot
        if present:
            found = self.by_key.get(key)
            if found is None:
                found = self.by_key[key] = set()
            if (start, end) not in found:
                found.add((start, end))
                heapq.heappush(self.ends, (end, next(self._pushed), slot))
        else:
            found = self.by_key.get(key)
            if found is not None:
                found.discard((start, end))
                if not found:
                    del self.by_key[key]

    def put(self, key: Any, value: Any, ts: int = 0) -> None:
        """Set `(key, start, end)` to `value` (None deletes)."""
        data = self.data
        if value is not None and key in data:
            data[key] = value  # an update of a known window: the indexes already have it
        else:
            self._track(key, value is not None)
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        if self.changelog is not None:
            self.changelog(key, ts)

    def restore(self, key: Any, value: Any) -> None:
        """Apply one changelog record without writing it back."""
        self._track(key, value is not None)
        super().restore(key, value)

    def restore_many(self, entries: Iterable[tuple[Any, Any]]) -> None:
        """Apply changelog records in order; the expiry heap is built once at the end."""
        data, by_key, ends, order = self.data, self.by_key, self.ends, self._pushed
        for slot, value in entries:
            key, start, end = slot
            if value is None:
                if data.pop(slot, None) is not None:
                    found = by_key.get(key)
                    if found is not None:
                        found.discard((start, end))
                        if not found:
                            del by_key[key]
                continue
            if slot not in data:
                windows = by_key.get(key)
                if windows is None:
                    windows = by_key[key] = set()
                windows.add((start, end))
                ends.append((end, next(order), slot))
            data[slot] = value
        heapq.heapify(ends)

    def expire(self, before: int) -> None:
        """Drop windows that ended before `before` (retention); the changelog hears of each."""
        ends = self.ends
        data = self.data
        while ends and ends[0][0] < before:
            slot = heapq.heappop(ends)[2]
            if slot in data:
                self.put(slot, None, before)

    def windows(self, key: Any) -> list[tuple[tuple[int, int], Any]]:
        """Every window of `key`, by start time."""
        data = self.data
        found = [(bounds, data[(key, *bounds)]) for bounds in self.by_key.get(key, ())]
        return sorted(found, key=lambda item: item[0])


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _in_range(key: Any, low: Any, high: Any) -> bool:
    try:
        if low is not None and _comparable(key) < _comparable(low):
            return False
        return not (high is not None and _comparable(key) > _comparable(high))
    except TypeError:
        return False
