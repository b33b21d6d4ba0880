"""Catalog and administration statements: SHOW/LIST, DESCRIBE, EXPLAIN, PRINT, query control,
session properties and variables.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ksqlmv.sql.ast.base import Statement

__all__ = [
    "AlterSystemProperty",
    "ConnectorScope",
    "DefineVariable",
    "DescribeConnector",
    "DescribeFunction",
    "DescribeSource",
    "DescribeStreams",
    "DescribeTables",
    "Explain",
    "ListConnectorPlugins",
    "ListConnectors",
    "ListFunctions",
    "ListProperties",
    "ListQueries",
    "ListStreams",
    "ListTables",
    "ListTopics",
    "ListTypes",
    "ListVariables",
    "PauseQuery",
    "PrintTopic",
    "ResumeQuery",
    "SetProperty",
    "TerminateQuery",
    "UndefineVariable",
    "UnsetProperty",
]


# -------------------------------------------------------------------------------------- SHOW/LIST


@dataclass(frozen=True, slots=True)
class ListStreams(Statement):
    """`SHOW|LIST STREAMS [EXTENDED]`."""

    extended: bool = False


@dataclass(frozen=True, slots=True)
class ListTables(Statement):
    """`SHOW|LIST TABLES [EXTENDED]`."""

    extended: bool = False


@dataclass(frozen=True, slots=True)
class ListQueries(Statement):
    """`SHOW|LIST QUERIES [EXTENDED]`."""

    extended: bool = False


@dataclass(frozen=True, slots=True)
class ListTopics(Statement):
    """`SHOW|LIST [ALL] TOPICS [EXTENDED]`; ALL includes internal topics."""

    all_topics: bool = False
    extended: bool = False


@dataclass(frozen=True, slots=True)
class ListProperties(Statement):
    """`SHOW|LIST PROPERTIES`."""


@dataclass(frozen=True, slots=True)
class ListFunctions(Statement):
    """`SHOW|LIST FUNCTIONS`."""


@dataclass(frozen=True, slots=True)
class ListTypes(Statement):
    """`SHOW|LIST TYPES`."""


@dataclass(frozen=True, slots=True)
class ListVariables(Statement):
    """`SHOW|LIST VARIABLES`."""


class ConnectorScope(enum.Enum):
    """Which connectors SHOW CONNECTORS lists."""

    ALL = "ALL"
    SOURCE = "SOURCE"
    SINK = "SINK"


@dataclass(frozen=True, slots=True)
class ListConnectors(Statement):
    """`SHOW|LIST [SOURCE|SINK] CONNECTORS`."""

    scope: ConnectorScope = ConnectorScope.ALL


@dataclass(frozen=True, slots=True)
class ListConnectorPlugins(Statement):
    """`SHOW|LIST CONNECTOR PLUGINS`."""


# --------------------------------------------------------------------------------------- DESCRIBE


@dataclass(frozen=True, slots=True)
class DescribeSource(Statement):
    """`DESCRIBE name [EXTENDED]`: the columns (and more) of one stream or table."""

    name: str
    extended: bool = False


@dataclass(frozen=True, slots=True)
class DescribeStreams(Statement):
    """`DESCRIBE STREAMS [EXTENDED]`."""

    extended: bool = False


@dataclass(frozen=True, slots=True)
class DescribeTables(Statement):
    """`DESCRIBE TABLES [EXTENDED]`."""

    extended: bool = False


@dataclass(frozen=True, slots=True)
class DescribeFunction(Statement):
    """`DESCRIBE FUNCTION name`."""

    name: str


@dataclass(frozen=True, slots=True)
class DescribeConnector(Statement):
    """`DESCRIBE CONNECTOR name`."""

    name: str


# ---------------------------------------------------------------------------------- EXPLAIN, PRINT


@dataclass(frozen=True, slots=True)
class Explain(Statement):
    """`EXPLAIN query_id` or `EXPLAIN statement`: exactly one of the two is set."""

    query_id: str | None = None
    statement: Statement | None = None


@dataclass(frozen=True, slots=True)
class PrintTopic(Statement):
    """`PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]`."""

    topic: str
    from_beginning: bool = False
    interval: int | None = None
    limit: int | None = None


# ---------------------------------------------------------------------------------- query control


@dataclass(frozen=True, slots=True)
class TerminateQuery(Statement):
    """`TERMINATE query_id` or `TERMINATE ALL` (query_id None)."""

    query_id: str | None = None


@dataclass(frozen=True, slots=True)
class PauseQuery(Statement):
    """`PAUSE query_id` or `PAUSE ALL` (query_id None)."""

    query_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResumeQuery(Statement):
    """`RESUME query_id` or `RESUME ALL` (query_id None)."""

    query_id: str | None = None


# ---------------------------------------------------------------------------- properties, variables


@dataclass(frozen=True, slots=True)
class SetProperty(Statement):
    """`SET 'name' = 'value'`: a session property."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class UnsetProperty(Statement):
    """`UNSET 'name'`."""

    name: str


@dataclass(frozen=True, slots=True)
class AlterSystemProperty(Statement):
    """`ALTER SYSTEM 'name' = 'value'`."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class DefineVariable(Statement):
    """`DEFINE name = 'value'`; the name is kept as written (variables ignore case)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class UndefineVariable(Statement):
    """`UNDEFINE name`."""

    name: str
