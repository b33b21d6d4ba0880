"""What every syntax node shares: its source position, and the small value types of the grammar.

Every node is a frozen, slotted dataclass. `line` and `column` (1-based, where the node's first
token starts) are keyword-only and excluded from equality and hashing, so two trees that say the
same thing compare equal wherever they were written: the round-trip test relies on this, and so
does the analyzer when it matches a GROUP BY expression against a projection.

Names are stored the way ksqlDB normalises them: unquoted identifiers upper-cased, back-quoted and
double-quoted identifiers exactly as written (without the quotes).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "Expression",
    "Node",
    "Statement",
    "TimeClause",
    "TimeUnit",
    "TypeRef",
    "iter_children",
    "walk",
]


@dataclass(frozen=True, slots=True)
class Node:
    """Base of every syntax node; `line` and `column` locate its first token (1-based)."""

    line: int = field(default=0, compare=False, kw_only=True, repr=False)
    column: int = field(default=0, compare=False, kw_only=True, repr=False)

    @property
    def location(self) -> str:
        """ksqlDB's prefix for errors about this node, as in `line 3:14`."""
        return f"line {self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Expression(Node):
    """Base of every value expression (literals, column references, operators, calls)."""


@dataclass(frozen=True, slots=True)
class Statement(Node):
    """Base of every statement. `text` is the statement as written, through its `;` if any."""

    text: str = field(default="", compare=False, kw_only=True, repr=False)


class TimeUnit(enum.Enum):
    """The units of window sizes, join windows, timeouts and TIMESTAMPADD-style arguments.

    Singular and plural spellings (`SECOND`, `SECONDS`) mean the same unit.
    """

    MILLISECONDS = 1
    SECONDS = 1_000
    MINUTES = 60_000
    HOURS = 3_600_000
    DAYS = 86_400_000

    @property
    def millis(self) -> int:
        """How many milliseconds one of this unit lasts."""
        return self.value

    @classmethod
    def from_keyword(cls, word: str) -> TimeUnit:
        """The unit a keyword names, singular or plural, in any case."""
        upper = word.upper()
        return cls[upper if upper.endswith("S") else upper + "S"]


@dataclass(frozen=True, slots=True)
class TimeClause(Node):
    """A duration as written: `30 SECONDS`, `1 HOUR`."""

    value: int
    unit: TimeUnit

    @property
    def millis(self) -> int:
        """The duration in milliseconds."""
        return self.value * self.unit.millis


@dataclass(frozen=True, slots=True)
class TypeRef(SqlType):
    """A type named by `CREATE TYPE`, left for the engine to resolve against its type registry.

    It may appear anywhere a type may, including inside ARRAY, MAP and STRUCT types.
    """

    name: str

    @property
    def base(self) -> BaseType:
        raise TypeError(f"custom type {self.name} has not been resolved")

    def __str__(self) -> str:
        return self.name


def iter_children(node: Node) -> Iterator[Node]:
    """The nodes directly inside `node`, in field order (tuples and pairs are looked into)."""
    for item in dataclasses.fields(node):
        if item.compare:
            yield from _nodes_in(getattr(node, item.name))


def _nodes_in(value: object) -> Iterator[Node]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for element in value:
            yield from _nodes_in(element)


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node below it, depth first, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(iter_children(current))))
