"""SELECT: projections, sources and joins, windows, and the query itself.

A `Query` is both a statement (a pull or push query) and the body of CREATE ... AS SELECT and
INSERT INTO ... SELECT. `emit` is what the text says (None when there is no EMIT clause): inside
CSAS, CTAS and INSERT INTO that means EMIT CHANGES, and at the top level it makes a pull query,
which `pull` records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ksqlmv.sql.ast.base import Expression, Node, Statement, TimeClause

__all__ = [
    "AliasedRelation",
    "AllColumns",
    "HoppingWindow",
    "Join",
    "JoinType",
    "JoinedSource",
    "OutputRefinement",
    "Query",
    "Relation",
    "SelectItem",
    "SessionWindow",
    "SingleColumn",
    "StructAll",
    "TumblingWindow",
    "WindowExpression",
    "WithinExpression",
]


# ------------------------------------------------------------------------------------ projections


@dataclass(frozen=True, slots=True)
class SelectItem(Node):
    """Base of the items of a SELECT list."""


@dataclass(frozen=True, slots=True)
class SingleColumn(SelectItem):
    """`expression [[AS] alias]`."""

    expression: Expression
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class AllColumns(SelectItem):
    """`*`, or `source.*` when `source` is set (a source name or alias)."""

    source: str | None = None


@dataclass(frozen=True, slots=True)
class StructAll(SelectItem):
    """`base->*`: every field of a struct, each as its own column."""

    base: Expression


# ---------------------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Relation(Node):
    """Base of what a FROM clause reads."""


@dataclass(frozen=True, slots=True)
class AliasedRelation(Relation):
    """A stream or table, with the alias it goes by (its own name when none is written)."""

    name: str
    alias: str


class JoinType(enum.Enum):
    """The kinds of join; `OUTER` is FULL [OUTER] JOIN."""

    INNER = "INNER"
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    OUTER = "FULL"


@dataclass(frozen=True, slots=True)
class WithinExpression(Node):
    """`WITHIN n UNIT` (before == after) or `WITHIN (before, after)`, with optional grace."""

    before: TimeClause
    after: TimeClause
    grace: TimeClause | None = None


@dataclass(frozen=True, slots=True)
class JoinedSource(Node):
    """`[type] JOIN relation [WITHIN ...] ON criteria`: one step of a (possibly n-way) join."""

    relation: AliasedRelation
    join_type: JoinType
    criteria: Expression
    within: WithinExpression | None = None


@dataclass(frozen=True, slots=True)
class Join(Relation):
    """`left JOIN right ... [JOIN ...]`, evaluated left to right."""

    left: AliasedRelation
    rights: tuple[JoinedSource, ...]


# ---------------------------------------------------------------------------------------- windows


@dataclass(frozen=True, slots=True)
class WindowExpression(Node):
    """Base of the WINDOW clauses."""


@dataclass(frozen=True, slots=True)
class TumblingWindow(WindowExpression):
    """`TUMBLING (SIZE n UNIT [, RETENTION n UNIT] [, GRACE PERIOD n UNIT])`."""

    size: TimeClause
    retention: TimeClause | None = None
    grace: TimeClause | None = None


@dataclass(frozen=True, slots=True)
class HoppingWindow(WindowExpression):
    """`HOPPING (SIZE n UNIT, ADVANCE BY n UNIT [, RETENTION ...] [, GRACE PERIOD ...])`."""

    size: TimeClause
    advance: TimeClause
    retention: TimeClause | None = None
    grace: TimeClause | None = None


@dataclass(frozen=True, slots=True)
class SessionWindow(WindowExpression):
    """`SESSION (n UNIT [, RETENTION ...] [, GRACE PERIOD ...])`: `gap` closes a session."""

    gap: TimeClause
    retention: TimeClause | None = None
    grace: TimeClause | None = None


# ------------------------------------------------------------------------------------------ query


class OutputRefinement(enum.Enum):
    """EMIT CHANGES (every update) or EMIT FINAL (once per window, after its grace period)."""

    CHANGES = "CHANGES"
    FINAL = "FINAL"


@dataclass(frozen=True, slots=True)
class Query(Statement):
    """`SELECT ... FROM ... [WINDOW] [WHERE] [GROUP BY] [PARTITION BY] [HAVING] [EMIT] [LIMIT]`.

    `group_by` and `partition_by` are None when the clause is absent (an empty tuple when written
    as `()`). `pull` is true for a top-level SELECT without EMIT.
    """

    select: tuple[SelectItem, ...]
    from_: Relation
    window: WindowExpression | None = None
    where: Expression | None = None
    group_by: tuple[Expression, ...] | None = None
    partition_by: tuple[Expression, ...] | None = None
    having: Expression | None = None
    emit: OutputRefinement | None = None
    limit: int | None = None
    pull: bool = False
