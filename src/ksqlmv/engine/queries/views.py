"""What pull queries read: the current rows of a queryable table, from its query's store.

A table is queryable when a persistent query writes it (CREATE TABLE ... AS SELECT) or when it is
a `CREATE SOURCE TABLE`, which the engine materializes with a query of its own (`CST_...`). Either
query keeps the table's current rows in its `Materialized` store (restored from its changelog on a
restart), as `(key, row, rowtime, window)` per key, or per key and window.

`TableView` reads that store and hands out each row laid out as rows of the table's *source* are
(value and header columns, ROWTIME, ROWPARTITION, ROWOFFSET, key columns, window bounds): a pull
query then runs its WHERE and projection over them exactly as a query over the table's topic
would. A sink's rows hold its value columns only, so the rest is appended; a SOURCE table's
materialization sits right after its source and keeps source rows as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.catalog import DataSource
from ksqlmv.engine.planning.nodes import SourceNode
from ksqlmv.engine.runtime.base import Row, Window
from ksqlmv.engine.runtime.builder import MATERIALIZED
from ksqlmv.engine.runtime.stores import KeyValueStore, freeze
from ksqlmv.sql.types import ArrayType, MapType, SqlType, StructType

if TYPE_CHECKING:
    from ksqlmv.engine.engine import KsqlEngine

__all__ = ["Entry", "TableView", "is_queryable", "table_view", "thaw"]

Entry = tuple[tuple[Any, ...], Row, int, Window | None]
"""`(key, row, rowtime, window)` of one row, the row laid out as the table's source rows."""


def is_queryable(source: DataSource) -> bool:
    """Whether pull queries may read `source` (a CTAS sink or a SOURCE table)."""
    return source.is_table and (source.query_id is not None or source.is_source)


def thaw(value: Any, sql_type: SqlType) -> Any:
    """The value of a key column as rows carry it, from its frozen (hashable) form."""
    if value is None:
        return None
    if isinstance(sql_type, ArrayType) and isinstance(value, tuple):
        return [thaw(v, sql_type.element) for v in value]
    if isinstance(sql_type, MapType) and isinstance(value, tuple):
        return {k: thaw(v, sql_type.value) for k, v in value}
    if isinstance(sql_type, StructType) and isinstance(value, tuple):
        types = {f.name: f.type for f in sql_type.fields}
        return {k: thaw(v, types[k]) if k in types else v for k, v in value}
    return value


class TableView:
    """Read access to one table's materialized rows (written by its query's thread)."""

    def __init__(
        self,
        store: KeyValueStore,
        *,
        source_rows: bool,
        windowed: bool,
        key_types: tuple[SqlType, ...] = (),
    ) -> None:
        self.store = store
        self.source_rows = source_rows
        self.windowed = windowed
        complex_keys = any(isinstance(t, ArrayType | MapType | StructType) for t in key_types)
        self.key_types = key_types if complex_keys else ()

    def _entry(self, found: Any) -> Entry:
        key, row, ts, window = found
        if self.key_types:
            # Stores may hand back keys in their frozen form: rows compare real lists and maps.
            key = tuple(thaw(v, t) for v, t in zip(key, self.key_types, strict=False))
        if self.source_rows:
            return key, row, ts, window
        # A sink's row is its value columns: add what a source row carries after them.
        full = (*row, ts, 0, 0, *key)
        if self.windowed:
            full = full + (window if window is not None else (None, None))
        return key, full, ts, window

    def lookup(self, keys: Iterable[tuple[Any, ...]]) -> Iterator[Entry]:
        """The rows of `keys` (every window of them, by start, for windowed tables)."""
        data = self.store.data
        seen: set[Any] = set()
        wanted: list[Any] = []
        for key in keys:
            slot = freeze(key)
            if slot not in seen:
                seen.add(slot)
                wanted.append(slot)
        if not self.windowed:
            for slot in wanted:
                found = data.get(slot)
                if found is not None:
                    yield self._entry(found)
            return
        # Windowed slots are (key, start, end): one pass over the store finds every window.
        targets = set(wanted)
        hits = [value for slot, value in list(data.items()) if slot[0] in targets]
        hits.sort(key=lambda value: (value[3] or (0, 0))[0])
        for found in hits:
            yield self._entry(found)

    def scan(self) -> Iterator[Entry]:
        """Every row."""
        values = list(self.store.data.values())
        if self.windowed:
            values.sort(key=lambda value: (value[3] or (0, 0))[0])
        for found in values:
            yield self._entry(found)

    def __len__(self) -> int:
        return len(self.store.data)


def table_view(engine: KsqlEngine, source: DataSource) -> TableView | None:
    """The view of a queryable table, or None while no query keeps its rows."""
    query_id = source.query_id
    running = engine.queries.get(query_id) if query_id is not None else None
    if running is None and source.is_source:
        for candidate in engine.queries.values():
            plan = candidate.plan
            if isinstance(plan, SourceNode) and plan.source.name == source.name:
                running = candidate
                break
    if running is None:
        return None
    store = running.stores.get(MATERIALIZED)
    if store is None:
        return None
    return TableView(
        store,
        source_rows=isinstance(running.plan, SourceNode),
        windowed=source.windowed,
        key_types=tuple(c.type for c in source.schema.key),
    )
