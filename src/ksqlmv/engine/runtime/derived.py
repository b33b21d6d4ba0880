"""A table's current rows computed on read from the store of the aggregation that produces them.

A table written by an aggregation (CTAS with GROUP BY) does not keep its rows twice: its
`Materialized` store reads the aggregation's store and turns each group's accumulators into the
table's row when asked, running the aggregation's result functions and the operators after it
(HAVING, the projection) as ksqlDB's pull queries do over an aggregate's state store. So the rows
cost nothing per record, follow the aggregation's window retention, and are exactly as current
as its store, also right after a restore.

Entries are `(key, row, rowtime, window)`, keyed like the aggregation's store (the key tuple, or
`(key, window start, window end)`), the layout every `Materialized` store has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ksqlmv.engine.runtime.stores import KeyValueStore

__all__ = ["DerivedRows", "DerivedStore"]

Entry = tuple[Any, Any, int, Any]
Result = Callable[[Any, Any], tuple[Any, Any, int, Any]]
"""`result(slot, stored)` → the aggregation's output `(key, row, ts, window)` for one group."""


class DerivedRows(Mapping[Any, Entry]):
    """The rows of a table, computed from an aggregation's store when read."""

    def __init__(self, source: KeyValueStore, result: Result) -> None:
        self.source = source
        self.result = result
        self.finish: Callable[..., None] | None = None
        self._out: list[Entry | None] = []

    def capture(self, key: Any, row: Any, ts: int, window: Any, headers: Any, old: Any) -> None:
        """Where the operators after the aggregation deliver a row being read."""
        self._out.append(None if row is None else (key, row, ts, window))

    def _row(self, slot: Any, stored: Any) -> Entry | None:
        assert self.finish is not None
        out = self._out
        out.clear()
        self.finish(*self.result(slot, stored), (), None)
        return out[-1] if out else None

    def __getitem__(self, slot: Any) -> Entry:
        stored = self.source.data.get(slot)
        found = None if stored is None else self._row(slot, stored)
        if found is None:
            raise KeyError(slot)
        return found

    def __iter__(self) -> Iterator[Any]:
        for slot, stored in list(self.source.data.items()):
            if self._row(slot, stored) is not None:
                yield slot

    def items(self) -> Iterator[tuple[Any, Entry]]:  # type: ignore[override]
        """Every `(slot, entry)` (one computation per row)."""
        for slot, stored in list(self.source.data.items()):
            found = self._row(slot, stored)
            if found is not None:
                yield slot, found

    def values(self) -> Iterator[Entry]:  # type: ignore[override]
        """Every entry (one computation per row)."""
        for _, found in self.items():
            yield found

    def __len__(self) -> int:
        return sum(1 for _ in self.items())


class DerivedStore(KeyValueStore):
    """A read-only store whose `data` is a `DerivedRows`."""

    def __init__(self, name: str, rows: DerivedRows) -> None:
        super().__init__(name)
        self.data = rows  # type: ignore[assignment]

    def put(self, key: Any, value: Any, ts: int = 0) -> None:
        """Derived rows change only with the aggregation's store."""
        raise TypeError(f"store {self.name} is computed from another store")

    def restore(self, key: Any, value: Any) -> None:
        """Derived rows are never restored: they follow the aggregation's store."""
        raise TypeError(f"store {self.name} is computed from another store")
