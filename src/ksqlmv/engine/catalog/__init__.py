"""What exists: streams, tables, their schemas and formats, custom types and persistent queries."""

from __future__ import annotations

from ksqlmv.engine.catalog.catalog import Catalog as Catalog
from ksqlmv.engine.catalog.catalog import QueryInfo as QueryInfo
from ksqlmv.engine.catalog.catalog import QueryStatus as QueryStatus
from ksqlmv.engine.catalog.formats import FormatInfo as FormatInfo
from ksqlmv.engine.catalog.formats import KeyFormat as KeyFormat
from ksqlmv.engine.catalog.formats import SerdeFeature as SerdeFeature
from ksqlmv.engine.catalog.formats import ValueFormat as ValueFormat
from ksqlmv.engine.catalog.formats import WindowInfo as WindowInfo
from ksqlmv.engine.catalog.formats import WindowType as WindowType
from ksqlmv.engine.catalog.schema import Column as Column
from ksqlmv.engine.catalog.schema import ColumnKind as ColumnKind
from ksqlmv.engine.catalog.schema import LogicalSchema as LogicalSchema
from ksqlmv.engine.catalog.sources import DataSource as DataSource
from ksqlmv.engine.catalog.sources import SourceKind as SourceKind
from ksqlmv.engine.catalog.sources import TimestampColumn as TimestampColumn

__all__ = [
    "Catalog",
    "Column",
    "ColumnKind",
    "DataSource",
    "FormatInfo",
    "KeyFormat",
    "LogicalSchema",
    "QueryInfo",
    "QueryStatus",
    "SerdeFeature",
    "SourceKind",
    "TimestampColumn",
    "ValueFormat",
    "WindowInfo",
    "WindowType",
]
