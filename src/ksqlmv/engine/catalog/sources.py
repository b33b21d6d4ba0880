"""Streams and tables as the catalog knows them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ksqlmv.engine.catalog.formats import KeyFormat, ValueFormat
from ksqlmv.engine.catalog.schema import LogicalSchema

__all__ = ["DataSource", "SourceKind", "TimestampColumn"]


class SourceKind(enum.Enum):
    """STREAM or TABLE."""

    STREAM = "STREAM"
    TABLE = "TABLE"

    @property
    def title(self) -> str:
        """`Stream` or `Table`, as ksqlDB's messages spell them."""
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class TimestampColumn:
    """The column that gives ROWTIME (WITH TIMESTAMP=...), and its TIMESTAMP_FORMAT if any."""

    column: str
    format: str | None = None


@dataclass(frozen=True, slots=True)
class DataSource:
    """A stream or a table: its schema, topic and formats.

    `is_source` marks `CREATE SOURCE STREAM/TABLE` (read-only, and for tables materialized);
    `is_sink` marks the target of a CSAS/CTAS (`query_id` names its writing query).
    """

    name: str
    kind: SourceKind
    schema: LogicalSchema
    topic: str
    key_format: KeyFormat
    value_format: ValueFormat
    timestamp: TimestampColumn | None = None
    is_source: bool = False
    sql: str = ""
    query_id: str | None = None
    partitions: int = 1
    replicas: int = 1

    @property
    def is_table(self) -> bool:
        """True for tables."""
        return self.kind is SourceKind.TABLE

    @property
    def windowed(self) -> bool:
        """True when the source's keys are windowed."""
        return self.key_format.windowed
