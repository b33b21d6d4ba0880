"""DDL and DML: creating, altering and dropping sources, types and connectors; inserting.

Column types are `ksqlmv.sql.types.SqlType` values; a custom type name is a `TypeRef` the engine
resolves. WITH properties keep their order; `name` is upper-cased when written as an unquoted
identifier and kept as written when written as a string (`'kafka_topic'`), as ksqlDB does. Use
`property_map` for a dictionary keyed by upper-cased name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ksqlmv.sql.ast.base import Expression, Node, Statement
from ksqlmv.sql.ast.expressions import Literal
from ksqlmv.sql.ast.query import Query
from ksqlmv.sql.types import SqlType

__all__ = [
    "AlterColumn",
    "AlterSource",
    "ColumnConstraint",
    "ConnectorKind",
    "CreateAsSelect",
    "CreateConnector",
    "CreateSource",
    "CreateStream",
    "CreateStreamAsSelect",
    "CreateTable",
    "CreateTableAsSelect",
    "CreateType",
    "DropConnector",
    "DropSource",
    "DropStream",
    "DropTable",
    "DropType",
    "InsertInto",
    "InsertValues",
    "Property",
    "SourceKind",
    "TableElement",
    "property_map",
]


class SourceKind(enum.Enum):
    """Streams and tables."""

    STREAM = "STREAM"
    TABLE = "TABLE"


class ColumnConstraint(enum.Enum):
    """What a declared column is: a value column, a key, or read from the record's headers."""

    VALUE = "VALUE"
    KEY = "KEY"
    PRIMARY_KEY = "PRIMARY KEY"
    HEADERS = "HEADERS"  # every header, as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>
    HEADER = "HEADER"  # one header's value, as BYTES; `TableElement.header` names it


@dataclass(frozen=True, slots=True)
class Property(Node):
    """One `name = literal` of a WITH clause."""

    name: str
    value: Literal


def property_map(properties: tuple[Property, ...]) -> dict[str, Literal]:
    """The properties as a dictionary keyed by upper-cased name."""
    return {prop.name.upper(): prop.value for prop in properties}


@dataclass(frozen=True, slots=True)
class TableElement(Node):
    """One declared column: `name type [KEY | PRIMARY KEY | HEADERS | HEADER('key')]`."""

    name: str
    type: SqlType
    constraint: ColumnConstraint = ColumnConstraint.VALUE
    header: str | None = None


# ------------------------------------------------------------------------------ CREATE STREAM/TABLE


@dataclass(frozen=True, slots=True)
class CreateSource(Statement):
    """Shared shape of CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name (...)."""

    name: str
    elements: tuple[TableElement, ...] = ()
    properties: tuple[Property, ...] = ()
    or_replace: bool = False
    if_not_exists: bool = False
    source: bool = False

    @property
    def kind(self) -> SourceKind:
        """STREAM or TABLE."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class CreateStream(CreateSource):
    """CREATE STREAM with declared (or inferred) columns over an existing or new topic."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.STREAM


@dataclass(frozen=True, slots=True)
class CreateTable(CreateSource):
    """CREATE TABLE with declared (or inferred) columns over an existing or new topic."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.TABLE


@dataclass(frozen=True, slots=True)
class CreateAsSelect(Statement):
    """Shared shape of CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH] AS SELECT."""

    name: str
    query: Query
    properties: tuple[Property, ...] = ()
    or_replace: bool = False
    if_not_exists: bool = False

    @property
    def kind(self) -> SourceKind:
        """STREAM or TABLE."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class CreateStreamAsSelect(CreateAsSelect):
    """CSAS: a persistent query writing a new stream."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.STREAM


@dataclass(frozen=True, slots=True)
class CreateTableAsSelect(CreateAsSelect):
    """CTAS: a persistent query writing a new table."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.TABLE


# ------------------------------------------------------------------------------------------ insert


@dataclass(frozen=True, slots=True)
class InsertInto(Statement):
    """`INSERT INTO target [WITH (QUERY_ID='...')] SELECT ...`: a persistent query."""

    target: str
    query: Query
    properties: tuple[Property, ...] = ()


@dataclass(frozen=True, slots=True)
class InsertValues(Statement):
    """`INSERT INTO target [(col, ...)] VALUES (expr, ...)`; no columns means all, in order."""

    target: str
    columns: tuple[str, ...]
    values: tuple[Expression, ...]


# -------------------------------------------------------------------------------- drop and alter


@dataclass(frozen=True, slots=True)
class DropSource(Statement):
    """Shared shape of DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC]."""

    name: str
    if_exists: bool = False
    delete_topic: bool = False

    @property
    def kind(self) -> SourceKind:
        """STREAM or TABLE."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class DropStream(DropSource):
    """DROP STREAM."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.STREAM


@dataclass(frozen=True, slots=True)
class DropTable(DropSource):
    """DROP TABLE."""

    @property
    def kind(self) -> SourceKind:
        return SourceKind.TABLE


@dataclass(frozen=True, slots=True)
class AlterColumn(Node):
    """`ADD [COLUMN] name type` inside ALTER STREAM|TABLE."""

    name: str
    type: SqlType


@dataclass(frozen=True, slots=True)
class AlterSource(Statement):
    """`ALTER STREAM|TABLE name ADD [COLUMN] col type, ...`."""

    name: str
    kind: SourceKind
    columns: tuple[AlterColumn, ...]


# ------------------------------------------------------------------------------ types, connectors


@dataclass(frozen=True, slots=True)
class CreateType(Statement):
    """`CREATE TYPE [IF NOT EXISTS] name AS type`."""

    name: str
    type: SqlType
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropType(Statement):
    """`DROP TYPE [IF EXISTS] name`."""

    name: str
    if_exists: bool = False


class ConnectorKind(enum.Enum):
    """Source connectors read into Kafka; sink connectors write out of it."""

    SOURCE = "SOURCE"
    SINK = "SINK"


@dataclass(frozen=True, slots=True)
class CreateConnector(Statement):
    """`CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name WITH (...)`."""

    name: str
    connector_kind: ConnectorKind
    properties: tuple[Property, ...] = ()
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropConnector(Statement):
    """`DROP CONNECTOR [IF EXISTS] name`."""

    name: str
    if_exists: bool = False
