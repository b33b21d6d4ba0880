"""Bound expressions: syntax resolved against a scope, every node typed.

The analyzer turns `ksqlmv.sql.ast` expressions into these nodes; the expression compiler turns
them into Python. Column references name a column of the row they are evaluated over, so the same
bound expression compiles against any row layout that has that column. Implicit conversions are
explicit here (`Cast` nodes inserted by the analyzer), so the compiler never guesses a type.

`type` is None only for an untyped NULL literal. `text` is how ksqlDB prints the expression in
messages and derived column names (`(A + B)`, `ABS(INPUT.ID)`, `CAST(X AS STRING)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from ksqlmv.sql.types import SqlType

__all__ = [
    "Arithmetic",
    "Between",
    "Bound",
    "Call",
    "Case",
    "Cast",
    "ColumnValue",
    "Comparison",
    "Constant",
    "Convert",
    "CreateArray",
    "CreateMap",
    "CreateStruct",
    "Dereference",
    "InList",
    "IsNull",
    "LambdaFunction",
    "LambdaValue",
    "Like",
    "Logical",
    "Negate",
    "Not",
    "Subscript",
    "columns_in",
    "walk_bound",
]


@dataclass(frozen=True, slots=True)
class Bound:
    """Base of bound expressions."""

    type: SqlType | None
    text: str


@dataclass(frozen=True, slots=True)
class Constant(Bound):
    """A literal value in the engine's Python representation (None for NULL)."""

    value: Any


@dataclass(frozen=True, slots=True)
class ColumnValue(Bound):
    """The value of the row column called `name`."""

    name: str


@dataclass(frozen=True, slots=True)
class LambdaValue(Bound):
    """A lambda parameter inside the lambda's body."""

    name: str


@dataclass(frozen=True, slots=True)
class Arithmetic(Bound):
    """`left op right` for + - * / %, operands already converted to the result type.

    For STRING `+` concatenates.
    """

    op: str
    left: Bound
    right: Bound


@dataclass(frozen=True, slots=True)
class Negate(Bound):
    """Unary minus (unary plus binds to its operand unchanged)."""

    operand: Bound


@dataclass(frozen=True, slots=True)
class Comparison(Bound):
    """`left op right`; false when either side is NULL, except for IS [NOT] DISTINCT FROM.

    `op` is one of = <> < <= > >= IS_DISTINCT IS_NOT_DISTINCT. The operands are converted to one
    comparable representation by the analyzer (numbers to DOUBLE or DECIMAL, strings to times).
    """

    op: str
    left: Bound
    right: Bound


@dataclass(frozen=True, slots=True)
class Logical(Bound):
    """`left AND right` / `left OR right`; a NULL operand that decides the result is an error."""

    op: str
    left: Bound
    right: Bound


@dataclass(frozen=True, slots=True)
class Not(Bound):
    """`NOT operand`."""

    operand: Bound


@dataclass(frozen=True, slots=True)
class IsNull(Bound):
    """`operand IS NULL`, or IS NOT NULL when `negated`."""

    operand: Bound
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Between(Bound):
    """`value BETWEEN lower AND upper`, evaluated as two comparisons."""

    value: Bound
    lower: Bound
    upper: Bound


@dataclass(frozen=True, slots=True)
class InList(Bound):
    """`value IN (items)`: true when any item equals value (NULLs never match)."""

    value: Bound
    items: tuple[Bound, ...]


@dataclass(frozen=True, slots=True)
class Like(Bound):
    """`value LIKE pattern [ESCAPE c]`."""

    value: Bound
    pattern: Bound
    escape: str | None


@dataclass(frozen=True, slots=True)
class Case(Bound):
    """Searched CASE: the result of the first true condition, else `default` (or NULL)."""

    whens: tuple[tuple[Bound, Bound], ...]
    default: Bound | None


@dataclass(frozen=True, slots=True)
class Cast(Bound):
    """`CAST(operand AS type)`, explicit or inserted by the analyzer."""

    operand: Bound


@dataclass(frozen=True, slots=True)
class Convert(Bound):
    """An implicit conversion the analyzer chose, done by `function` on non-NULL values."""

    operand: Bound
    function: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Dereference(Bound):
    """`base->field` (NULL when base is NULL)."""

    base: Bound
    field: str


@dataclass(frozen=True, slots=True)
class Subscript(Bound):
    """`base[index]`: 1-based array access (negative from the end) or map lookup."""

    base: Bound
    index: Bound


@dataclass(frozen=True, slots=True)
class CreateArray(Bound):
    """`ARRAY[items]`."""

    items: tuple[Bound, ...]


@dataclass(frozen=True, slots=True)
class CreateMap(Bound):
    """`MAP(k := v, ...)`."""

    entries: tuple[tuple[Bound, Bound], ...]


@dataclass(frozen=True, slots=True)
class CreateStruct(Bound):
    """`STRUCT(name := value, ...)`."""

    fields: tuple[tuple[str, Bound], ...]


@dataclass(frozen=True, slots=True)
class LambdaFunction(Bound):
    """`(params) => body`, passed to a higher-order function as a Python callable."""

    params: tuple[str, ...]
    body: Bound


@dataclass(frozen=True, slots=True)
class Call(Bound):
    """A scalar function call, resolved: `function` is the Python callable to invoke.

    An argument that is itself a call or a dereference turns its own errors into NULL for that
    argument only (ksqlDB's nested error handling); other errors fail the whole expression.
    """

    name: str
    function: Callable[..., Any]
    args: tuple[Bound, ...]


def walk_bound(node: Bound) -> Iterator[Bound]:
    """`node` and every bound expression below it, parents first."""
    yield node
    for item in fields(node):
        value = getattr(node, item.name)
        yield from _bound_in(value)


def _bound_in(value: object) -> Iterator[Bound]:
    if isinstance(value, Bound):
        yield from walk_bound(value)
    elif isinstance(value, tuple):
        for element in value:
            yield from _bound_in(element)


def columns_in(node: Bound) -> list[str]:
    """The names of the row columns `node` reads, in first-use order, without repeats."""
    seen: dict[str, None] = {}
    for item in walk_bound(node):
        if isinstance(item, ColumnValue):
            seen.setdefault(item.name, None)
    return list(seen)
