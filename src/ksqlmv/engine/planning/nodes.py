"""Plan nodes: the operator graph of a query, as frozen data.

Every node has a `schema`: its key columns and the layout of the rows it emits. Rows carry every
column downstream expressions may read (ksqlDB's "pseudo and key columns in value"), so a bound
expression compiles against a node's row without knowing where the columns came from. The
runtime builds one operator per node; `explain()` prints the graph as EXPLAIN shows it.

>>> # SourceNode(TEST) -> FilterNode(ID > 100) -> ProjectNode(K, NAME) -> SinkNode(S1)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.analysis.bound import Bound
from ksqlmv.engine.analysis.functions import AggregateResolution
from ksqlmv.engine.catalog import Column, DataSource, WindowInfo
from ksqlmv.sql.types import SqlType

__all__ = [
    "AggregateCall",
    "AggregateNode",
    "FilterNode",
    "FlatMapNode",
    "JoinKind",
    "JoinNode",
    "JoinType",
    "NodeSchema",
    "PlanNode",
    "ProjectNode",
    "RekeyNode",
    "SinkNode",
    "SourceNode",
    "SuppressNode",
    "TableFunctionCall",
    "WindowSpec",
    "explain",
    "walk_plan",
]


@dataclass(frozen=True, slots=True)
class NodeSchema:
    """Key columns, and the names and types of the row a node emits, in order."""

    key: tuple[Column, ...]
    row: tuple[tuple[str, SqlType], ...]
    window: WindowInfo | None = None
    is_table: bool = False

    def index(self, name: str) -> int:
        """Position of column `name` in the row."""
        for i, (column, _) in enumerate(self.row):
            if column == name:
                return i
        raise KeyError(name)

    def type_of(self, name: str) -> SqlType:
        """Type of row column `name`."""
        return self.row[self.index(name)][1]


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """A WINDOW clause: kind, sizes in ms, grace and retention (None: ksqlDB's defaults)."""

    kind: str  # TUMBLING, HOPPING or SESSION
    size_ms: int
    advance_ms: int
    retention_ms: int | None = None
    grace_ms: int | None = None


@dataclass(frozen=True, slots=True)
class PlanNode:
    """Base of plan nodes."""

    id: str
    schema: NodeSchema

    def inputs(self) -> tuple[PlanNode, ...]:
        """The nodes this one reads."""
        return ()

    def describe(self) -> str:
        """One line for EXPLAIN."""
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class SourceNode(PlanNode):
    """Reads a stream's or table's topic: deserializes, extracts ROWTIME, builds rows."""

    source: DataSource
    alias: str
    materialize: bool = False

    def describe(self) -> str:
        kind = "table" if self.source.is_table else "stream"
        return f"Source {kind} {self.source.name} AS {self.alias} (topic {self.source.topic})"


@dataclass(frozen=True, slots=True)
class FilterNode(PlanNode):
    """Keeps the rows for which `predicate` is true (WHERE, HAVING)."""

    input: PlanNode
    predicate: Bound

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        return f"Filter {self.predicate.text}"


@dataclass(frozen=True, slots=True)
class ProjectNode(PlanNode):
    """Computes a new row (and possibly a new key) from each row.

    `columns` are the output row's expressions in order; `key` (when set) are the expressions of
    the output key. A ProjectNode that is the last before a sink is the final projection.
    """

    input: PlanNode
    columns: tuple[tuple[str, Bound], ...]
    key: tuple[Bound, ...] | None = None

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        return "Project " + ", ".join(f"{e.text} AS {n}" for n, e in self.columns)


@dataclass(frozen=True, slots=True)
class TableFunctionCall:
    """One table function of a SELECT: the function and its bound arguments."""

    name: str
    function: Callable[..., Any]
    args: tuple[Bound, ...]
    output: str
    type: SqlType


@dataclass(frozen=True, slots=True)
class FlatMapNode(PlanNode):
    """Applies table functions: one input row → one output row per element (zipped)."""

    input: PlanNode
    calls: tuple[TableFunctionCall, ...]

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        return "FlatMap " + ", ".join(c.name for c in self.calls)


@dataclass(frozen=True, slots=True)
class RekeyNode(PlanNode):
    """PARTITION BY / GROUP BY re-keying: the key becomes `key` computed from each row.

    `repartition_topic` is the name ksqlDB gives the internal topic of this step, if any.
    """

    input: PlanNode
    key: tuple[Bound, ...]
    repartition_topic: str | None = None

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        return "Rekey " + ", ".join(e.text for e in self.key)


@dataclass(frozen=True, slots=True)
class AggregateCall:
    """One aggregate of a GROUP BY query: resolved function, value arguments and constants."""

    name: str
    text: str
    resolution: AggregateResolution
    args: tuple[Bound, ...]
    constants: tuple[Any, ...]
    output: str


@dataclass(frozen=True, slots=True)
class AggregateNode(PlanNode):
    """Groups by the input key and folds `aggregates` (optionally per window) into a table.

    The output row is: the group-by key columns, the input columns the projection still needs,
    the aggregate results, then WINDOWSTART/WINDOWEND for windowed aggregations.
    """

    input: PlanNode
    aggregates: tuple[AggregateCall, ...]
    carried: tuple[str, ...]
    window: WindowSpec | None
    store: str
    changelog_topic: str

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        window = f" window {self.window.kind}" if self.window else ""
        return "Aggregate " + ", ".join(a.text for a in self.aggregates) + window


@dataclass(frozen=True, slots=True)
class SuppressNode(PlanNode):
    """EMIT FINAL: holds each window's result until the window closes, then emits it once."""

    input: PlanNode
    window: WindowSpec

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)


class JoinKind(enum.Enum):
    """Which sources a join combines."""

    STREAM_STREAM = "STREAM_STREAM"
    STREAM_TABLE = "STREAM_TABLE"
    TABLE_TABLE = "TABLE_TABLE"
    FOREIGN_KEY = "FOREIGN_KEY"


class JoinType(enum.Enum):
    """INNER, LEFT, RIGHT or FULL OUTER."""

    INNER = "INNER"
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    OUTER = "OUTER"


@dataclass(frozen=True, slots=True)
class JoinNode(PlanNode):
    """Joins two inputs keyed on the join expression; rows are left row + right row.

    For stream-stream joins `before_ms`/`after_ms` bound the window and `grace_ms` the lateness;
    for foreign-key joins `foreign_key` computes the right key from each left row.
    """

    left: PlanNode
    right: PlanNode
    kind: JoinKind
    join_type: JoinType
    before_ms: int = 0
    after_ms: int = 0
    grace_ms: int | None = None
    foreign_key: Bound | None = None
    stores: tuple[str, ...] = field(default=())

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.left, self.right)

    def describe(self) -> str:
        return f"Join {self.kind.value} {self.join_type.value}"


@dataclass(frozen=True, slots=True)
class SinkNode(PlanNode):
    """Serializes rows into the target's topic: `value` names the row columns of the value."""

    input: PlanNode
    target: DataSource
    value: tuple[str, ...]

    def inputs(self) -> tuple[PlanNode, ...]:
        return (self.input,)

    def describe(self) -> str:
        return f"Sink {self.target.name} (topic {self.target.topic})"


def walk_plan(node: PlanNode) -> Iterator[PlanNode]:
    """`node` and everything it reads, depth first, inputs after the node."""
    yield node
    for child in node.inputs():
        yield from walk_plan(child)


def explain(node: PlanNode, indent: int = 0) -> str:
    """The plan as an indented tree, one node per line, with each node's schema."""
    columns = ", ".join(f"{n} {t}" for n, t in node.schema.row)
    keys = ", ".join(str(c) for c in node.schema.key)
    lines = [f"{'  ' * indent}> [{node.id}] {node.describe()} | key: [{keys}] | row: [{columns}]"]
    for child in node.inputs():
        lines.append(explain(child, indent + 1))
    return "\n".join(lines)
