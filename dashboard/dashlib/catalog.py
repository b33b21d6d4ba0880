"""What the server holds, read in one go: sources with their formats and statistics, topics and
persistent queries, with the reads and writes between them.

Every request goes through `ksqlmv.client`. Which sources a query reads comes from its query text
(`ksqlmv.migrations.plan.Catalog`, the migrations tool's own reading); which it writes, from
SHOW QUERIES. Extended descriptions are asked for one source at a time and a source dropped
meanwhile is simply left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashlib.lineage import QueryInfo
from dashlib.shaping import Throughput, parse_statistics, throughput
from ksqlmv.client import KsqlClient, quote_identifier
from ksqlmv.errors import ParseError, StatementError
from ksqlmv.migrations.plan import Catalog
from ksqlmv.sql import ast, parse_statement

__all__ = ["ServerCatalog", "read_catalog"]


@dataclass(frozen=True, slots=True)
class ServerCatalog:
    """The server's streams, tables, topics and queries at one moment."""

    sources: tuple[dict[str, Any], ...]
    """SHOW STREAMS and SHOW TABLES items (`name`, `type`, `topic`, `keyFormat`, ...)."""
    topics: tuple[dict[str, Any], ...]
    queries: tuple[dict[str, Any], ...]
    """SHOW QUERIES items."""
    reads: dict[str, tuple[str, ...]]
    """Query id to the sources it reads."""
    descriptions: dict[str, dict[str, Any]]
    """Source name to its extended description, where the server gave one."""

    def query_infos(self) -> list[QueryInfo]:
        """The persistent queries, with what they read and write, for the lineage graph."""
        return [
            QueryInfo(
                str(query["id"]),
                self.reads.get(str(query["id"]), ()),
                tuple(query.get("sinks") or ()),
                str(query.get("state", "")),
                None if query.get("sinks") else _source_table(query.get("queryString")),
            )
            for query in self.queries
            if query.get("queryType", "PERSISTENT") == "PERSISTENT"
        ]

    def throughput(self) -> Throughput:
        """Messages per second in and out, summed over the sources' statistics."""
        return throughput(self.descriptions.values())

    def base_streams(self) -> list[str]:
        """Streams no persistent query writes: where events enter the platform."""
        written = {sink for query in self.query_infos() for sink in query.writes}
        return [
            str(source["name"])
            for source in self.sources
            if source.get("type") == "STREAM" and source["name"] not in written
        ]

    def sources_frame(self, measured: Mapping[str, float | None] | None = None) -> pd.DataFrame:
        """One row per stream or table: kind, topic, formats, windowing, query counts, rates
        (the server's statistics, and events per second `measured` by meters where given)."""
        infos = self.query_infos()
        rows = []
        for source in self.sources:
            name = source["name"]
            stats = parse_statistics(self.descriptions.get(name, {}).get("statistics"))
            rows.append(
                {
                    "name": name,
                    "type": source.get("type", ""),
                    "topic": source.get("topic", ""),
                    "key format": source.get("keyFormat", ""),
                    "value format": source.get("valueFormat", source.get("format", "")),
                    "windowed": bool(source.get("isWindowed", False)),
                    "read by": sum(1 for q in infos if name in q.reads),
                    "written by": sum(1 for q in infos if name in q.writes),
                    "msgs/s in": stats.get("consumer-messages-per-sec"),
                    "msgs/s out": stats.get("messages-per-sec"),
                    "events/s (measured)": (measured or {}).get(name),
                }
            )
        # The server's statistics, or the meters' measurements when it reports none.
        columns = _SOURCE_COLUMNS[:-3] + (
            _SOURCE_COLUMNS[-1:] if measured is not None else _SOURCE_COLUMNS[-3:-1]
        )
        return pd.DataFrame(rows, columns=columns)

    def queries_frame(self) -> pd.DataFrame:
        """One row per running query: id, type, state, sinks, what it reads, its statement."""
        rows = [
            {
                "id": query.get("id", ""),
                "type": query.get("queryType", ""),
                "state": query.get("state", ""),
                "writes": ", ".join(query.get("sinks") or ()),
                "reads": ", ".join(self.reads.get(str(query.get("id")), ())),
                "status count": _status_count(query.get("statusCount")),
                "statement": query.get("queryString", ""),
            }
            for query in self.queries
        ]
        return pd.DataFrame(rows, columns=_QUERY_COLUMNS)

    def topics_frame(self) -> pd.DataFrame:
        """One row per topic: name and partitions."""
        rows = [
            {
                "name": topic.get("name", ""),
                "partitions": len(topic.get("replicaInfo") or ()) or None,
                "replicas": max(topic.get("replicaInfo") or [0]) or None,
            }
            for topic in self.topics
        ]
        return pd.DataFrame(rows, columns=["name", "partitions", "replicas"])


_SOURCE_COLUMNS = [
    "name",
    "type",
    "topic",
    "key format",
    "value format",
    "windowed",
    "read by",
    "written by",
    "msgs/s in",
    "msgs/s out",
    "events/s (measured)",
]
_QUERY_COLUMNS = ["id", "type", "state", "writes", "reads", "status count", "statement"]


def _source_table(text: Any) -> str | None:
    """The source a `CREATE SOURCE TABLE|STREAM` query materializes, from its text."""
    try:
        statement = parse_statement(str(text or ""))
    except ParseError:
        return None
    if isinstance(statement, ast.CreateSource) and getattr(statement, "source", False):
        return statement.name
    return None


def _status_count(counts: Any) -> str:
    if isinstance(counts, dict):
        return ", ".join(f"{state}: {number}" for state, number in sorted(counts.items()))
    return ""


def read_catalog(client: KsqlClient, *, extended: bool = True) -> ServerCatalog:
    """Read everything the overview and the flow show, through `client`."""
    sources = [*client.list_streams(), *client.list_tables()]
    topics = client.list_topics()
    queries = client.list_queries()
    catalog = Catalog.from_server(client)
    reads = {query.id: query.sources for query in catalog.queries}
    descriptions = _describe_all(client, sources) if extended else {}
    return ServerCatalog(tuple(sources), tuple(topics), tuple(queries), reads, descriptions)


def _describe_all(
    client: KsqlClient, sources: Sequence[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    descriptions: dict[str, dict[str, Any]] = {}
    for source in sources:
        name = str(source["name"])
        try:
            descriptions[name] = client.describe(quote_identifier(name), extended=True)
        except (StatementError, KeyError, IndexError):
            continue  # dropped since SHOW, or a server without extended descriptions
    return descriptions
