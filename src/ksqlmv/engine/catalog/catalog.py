"""The catalog (ksqlDB's metastore): sources, custom types and persistent queries.

The catalog only records what exists; the statement executor decides what may change. Query ids
follow ksqlDB: `CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>` and `INSERTQUERY_<n>`, with `n` from one
counter that starts at 0 and counts every persistent query the catalog has ever seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ksqlmv.engine.catalog.sources import DataSource
from ksqlmv.sql.types import SqlType

__all__ = ["Catalog", "QueryInfo", "QueryStatus"]


class QueryStatus:
    """The states SHOW QUERIES reports (ksqlDB's `KsqlQueryStatus`)."""

    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """A persistent query as the catalog knows it: what it reads, what it writes."""

    query_id: str
    sql: str
    sink: str | None
    sources: tuple[str, ...]
    sink_topic: str | None = None
    status: str = QueryStatus.RUNNING


@dataclass
class Catalog:
    """Streams, tables, custom types and persistent queries, by name."""

    sources: dict[str, DataSource] = field(default_factory=dict)
    types: dict[str, SqlType] = field(default_factory=dict)
    queries: dict[str, QueryInfo] = field(default_factory=dict)
    next_query_number: int = 0

    # -- sources ---------------------------------------------------------------------------

    def source(self, name: str) -> DataSource | None:
        """The stream or table called `name`, or None."""
        return self.sources.get(name)

    def put_source(self, source: DataSource) -> None:
        """Add or replace `source`."""
        self.sources[source.name] = source

    def drop_source(self, name: str) -> DataSource | None:
        """Remove the source called `name`; returns it, or None when it did not exist."""
        return self.sources.pop(name, None)

    def __iter__(self) -> Iterator[DataSource]:
        return iter(self.sources.values())

    # -- queries ---------------------------------------------------------------------------

    def new_query_id(self, prefix: str, sink: str | None) -> str:
        """A fresh query id: `<prefix>_<SINK>_<n>`, or `<prefix>_<n>` without a sink name."""
        number = self.next_query_number
        self.next_query_number += 1
        return f"{prefix}_{sink}_{number}" if sink else f"{prefix}_{number}"

    def put_query(self, query: QueryInfo) -> None:
        """Record a running persistent query."""
        self.queries[query.query_id] = query

    def set_query_status(self, query_id: str, status: str) -> None:
        """Mark a query RUNNING, PAUSED or ERROR."""
        self.queries[query_id] = replace(self.queries[query_id], status=status)

    def drop_query(self, query_id: str) -> QueryInfo | None:
        """Forget a terminated query."""
        return self.queries.pop(query_id, None)

    def queries_reading(self, source: str) -> list[QueryInfo]:
        """The persistent queries that read `source`, in creation order."""
        return [q for q in self.queries.values() if source in q.sources]

    def queries_writing(self, source: str) -> list[QueryInfo]:
        """The persistent queries that write into `source`, in creation order."""
        return [q for q in self.queries.values() if q.sink == source]
