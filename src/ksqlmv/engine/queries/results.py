"""The result columns of a pull or push query, and the headers that describe them.

ksqlDB describes a result in two ways: `/query` sends one schema string,
`` `ID` STRING KEY, `COUNT` BIGINT `` (pull queries mark the columns that are the source's key or
window bounds with KEY; push queries mark none), and `/query-stream` sends `columnNames` and
`columnTypes` (canonical type strings, as `str(SqlType)` prints them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.analysis.bound import ColumnValue
from ksqlmv.engine.catalog.schema import WINDOW_BOUNDS, quote_identifier
from ksqlmv.engine.planning.nodes import ProjectNode
from ksqlmv.engine.planning.planner import PlannedQuery
from ksqlmv.sql.types import SqlType

__all__ = ["ColumnSource", "ResultSchema", "describe", "tombstone_maker"]

ColumnSource = tuple[str, int] | None
"""Where a result column comes from: `("key", n)`, `("window", 0|1)` or None (a value)."""


@dataclass(frozen=True, slots=True)
class ResultSchema:
    """Names, types and key flags of a query's result columns, in order."""

    names: tuple[str, ...]
    types: tuple[SqlType, ...]
    keys: tuple[bool, ...]
    pull: bool = False

    def schema_text(self) -> str:
        """The `/query` header schema: KEY marks key columns of pull queries only."""
        parts = []
        for name, sql_type, key in zip(self.names, self.types, self.keys, strict=True):
            suffix = " KEY" if key and self.pull else ""
            parts.append(f"{quote_identifier(name)} {sql_type}{suffix}")
        return ", ".join(parts)

    def metadata(self, query_id: str | None) -> dict[str, Any]:
        """The `/query-stream` header object."""
        header: dict[str, Any] = {}
        if query_id is not None:
            header["queryId"] = query_id
        header["columnNames"] = list(self.names)
        header["columnTypes"] = [str(t) for t in self.types]
        return header


def describe(planned: PlannedQuery, *, pull: bool) -> tuple[ResultSchema, tuple[ColumnSource, ...]]:
    """The result schema of a transient plan, and where each column comes from."""
    root = planned.root
    assert isinstance(root, ProjectNode)
    key_index = {column.name: i for i, column in enumerate(planned.key)}
    windowed = planned.window is not None
    sources: list[ColumnSource] = []
    for _, bound in root.columns:
        source: ColumnSource = None
        if isinstance(bound, ColumnValue):
            if bound.name in key_index:
                source = ("key", key_index[bound.name])
            elif windowed and bound.name in WINDOW_BOUNDS:
                source = ("window", WINDOW_BOUNDS.index(bound.name))
        sources.append(source)
    schema = ResultSchema(
        tuple(c.name for c in planned.value),
        tuple(c.type for c in planned.value),
        tuple(s is not None for s in sources),
        pull,
    )
    return schema, tuple(sources)


def tombstone_maker(sources: tuple[ColumnSource, ...]) -> Any:
    """A function `(key, window) -> row` for a table tombstone, as ksqlDB's TombstoneFactory
    builds it: the columns that are key columns (or window bounds) carry the deleted key, every
    other column is NULL.

    `sources[i]` says where result column `i` comes from: `("key", n)` for key column `n`,
    `("window", 0 or 1)` for WINDOWSTART/WINDOWEND, None for a value column.
    """
    plan = tuple(sources)

    def make(key: tuple[Any, ...] | None, window: tuple[int, int] | None) -> tuple[Any, ...]:
        row: list[Any] = []
        for source in plan:
            if source is None:
                row.append(None)
            elif source[0] == "key":
                row.append(key[source[1]] if key is not None and source[1] < len(key) else None)
            else:
                row.append(window[source[1]] if window is not None else None)
        return tuple(row)

    return make
