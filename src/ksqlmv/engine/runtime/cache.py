"""The output cache: a table's updates coalesced per key until the next commit, as ksqlDB's do.

ksqlDB buffers the updates of its tables in Kafka Streams' record cache
(`ksql.streams.cache.max.bytes.buffering`, 10 MB by default in a ksqlDB server, 0 in its test
runner) and writes only the latest row of each key at each commit, or when the cache is full.
The engine does the same when that property is above 0 and the driver commits (the Kafka driver
does; the test driver runs with the cache off, as ksqlDB's test runner does): a table sink then
gets each key's (and window's) last update per commit instead of every update. Streams are
never cached.

>>> out = []
>>> cache = OutputCache(lambda *record: out.append(record[:2]), 100)
>>> cache(("k",), (1,), 0, None, (), None); cache(("k",), (2,), 1, None, (), None)
>>> cache.flush(); out
[(('k',), (2,))]
"""

from __future__ import annotations

from typing import Any

from ksqlmv.engine.runtime.base import Emit
from ksqlmv.engine.runtime.stores import freeze

__all__ = ["CACHE_PROPERTIES", "OutputCache", "cache_entries"]

CACHE_PROPERTIES = ("ksql.streams.cache.max.bytes.buffering", "cache.max.bytes.buffering")
_BYTES_PER_ENTRY = 256  # a rough size of one cached row, to turn the byte budget into entries


def cache_entries(properties: dict[str, Any]) -> int:
    """How many rows the cache may hold (0: no cache), from the cache's byte budget."""
    for name in CACHE_PROPERTIES:
        value = properties.get(name)
        if value is not None:
            try:
                return max(0, int(str(value)) // _BYTES_PER_ENTRY)
            except ValueError:
                return 0
    return 0


class OutputCache:
    """Keeps the last update of each key (and window) until `flush`, then passes them on."""

    def __init__(self, downstream: Emit, capacity: int) -> None:
        self.downstream = downstream
        self.capacity = capacity
        self.pending: dict[Any, tuple[Any, ...]] = {}

    def __call__(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Cache one update (replacing the key's previous one)."""
        pending = self.pending
        pending[(freeze(key), window)] = (key, row, ts, window, headers, old)
        if len(pending) >= self.capacity:
            self.flush()  # the cache is full: write everything out, as a commit would

    def flush(self) -> None:
        """Pass every cached update on, oldest key first, and empty the cache."""
        pending, self.pending = self.pending, {}
        downstream = self.downstream
        for record in pending.values():
            downstream(*record)
