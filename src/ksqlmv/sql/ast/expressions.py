"""Value expressions: literals, column references, operators, CASE, CAST, calls and lambdas.

The shapes follow ksqlDB's expression tree so the engine can mirror its typing rules:

* `NOT x BETWEEN a AND b`, `x NOT IN (...)`, `x NOT LIKE p` and `a IS NOT DISTINCT FROM b` are a
  `Not` around the positive predicate, as ksqlDB builds them;
* `a || b` is the call `CONCAT(a, b)`;
* `COUNT(*)` is a call without arguments;
* an integer literal is an `IntegerLiteral` (INT) when it fits in 32 bits, else a `LongLiteral`
  (BIGINT); `1.5` is a `DecimalLiteral` (DECIMAL(2, 1)); `1.5E2` is a `DoubleLiteral`;
* inside a lambda body the lambda's parameters are `LambdaVariable`s, not column references.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from ksqlmv.sql.ast.base import Expression, Node, TimeUnit
from ksqlmv.sql.types import SqlType

__all__ = [
    "ArithmeticBinary",
    "ArithmeticOperator",
    "ArithmeticUnary",
    "Between",
    "BooleanLiteral",
    "Cast",
    "ColumnRef",
    "Comparison",
    "ComparisonOperator",
    "CreateArray",
    "CreateMap",
    "CreateStruct",
    "DecimalLiteral",
    "Dereference",
    "DoubleLiteral",
    "FunctionCall",
    "InList",
    "IntegerLiteral",
    "IntervalUnit",
    "IsNotNull",
    "IsNull",
    "Lambda",
    "LambdaVariable",
    "Like",
    "Literal",
    "LogicalBinary",
    "LogicalOperator",
    "LongLiteral",
    "Not",
    "NullLiteral",
    "SearchedCase",
    "SimpleCase",
    "StringLiteral",
    "StructFieldValue",
    "Subscript",
    "UnarySign",
    "WhenClause",
]


# ---------------------------------------------------------------------------------------- literals


@dataclass(frozen=True, slots=True)
class Literal(Expression):
    """Base of the constant expressions; these are also the values of WITH properties."""


@dataclass(frozen=True, slots=True)
class NullLiteral(Literal):
    """`NULL`."""


@dataclass(frozen=True, slots=True)
class BooleanLiteral(Literal):
    """`TRUE` or `FALSE`."""

    value: bool


@dataclass(frozen=True, slots=True)
class IntegerLiteral(Literal):
    """An integer that fits in 32 bits: type INT."""

    value: int


@dataclass(frozen=True, slots=True)
class LongLiteral(Literal):
    """An integer too large for 32 bits: type BIGINT."""

    value: int


@dataclass(frozen=True, slots=True)
class DecimalLiteral(Literal):
    """`1.50`, `.5`, `DECIMAL '1.5'`: type DECIMAL with the precision and scale as written."""

    value: Decimal


@dataclass(frozen=True, slots=True)
class DoubleLiteral(Literal):
    """A number with an exponent, `1.5E2`: type DOUBLE."""

    value: float


@dataclass(frozen=True, slots=True)
class StringLiteral(Literal):
    """A single-quoted string, with `''` already turned into `'`."""

    value: str


@dataclass(frozen=True, slots=True)
class IntervalUnit(Literal):
    """A time unit passed as a function argument: `TIMESTAMPADD(MILLISECONDS, 5, ts)`."""

    unit: TimeUnit


# ------------------------------------------------------------------------------ names and access


@dataclass(frozen=True, slots=True)
class ColumnRef(Expression):
    """A column, optionally qualified by a source name or alias: `ID`, `o.ID`."""

    name: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class LambdaVariable(Expression):
    """A lambda parameter used inside the lambda's body."""

    name: str


@dataclass(frozen=True, slots=True)
class Dereference(Expression):
    """A struct field: `base->field`."""

    base: Expression
    field: str


@dataclass(frozen=True, slots=True)
class Subscript(Expression):
    """An array element or map value: `base[index]` (arrays from 1; negatives from the end)."""

    base: Expression
    index: Expression


# --------------------------------------------------------------------------------------- operators


class ArithmeticOperator(enum.Enum):
    """Binary arithmetic operators, valued by their symbol."""

    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    DIVIDE = "/"
    MODULUS = "%"


class UnarySign(enum.Enum):
    """The sign of a unary arithmetic expression."""

    PLUS = "+"
    MINUS = "-"


class ComparisonOperator(enum.Enum):
    """Comparison operators, valued by how ksqlDB prints them."""

    EQUAL = "="
    NOT_EQUAL = "<>"
    LESS_THAN = "<"
    LESS_THAN_OR_EQUAL = "<="
    GREATER_THAN = ">"
    GREATER_THAN_OR_EQUAL = ">="
    IS_DISTINCT_FROM = "IS DISTINCT FROM"
    IS_NOT_DISTINCT_FROM = "IS NOT DISTINCT FROM"


class LogicalOperator(enum.Enum):
    """AND and OR."""

    AND = "AND"
    OR = "OR"


@dataclass(frozen=True, slots=True)
class ArithmeticUnary(Expression):
    """`-x` or `+x` (a minus directly before a number literal is part of the literal)."""

    sign: UnarySign
    operand: Expression


@dataclass(frozen=True, slots=True)
class ArithmeticBinary(Expression):
    """`left op right` for + - * / %."""

    operator: ArithmeticOperator
    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Comparison(Expression):
    """`left op right` for the comparison operators and IS DISTINCT FROM."""

    operator: ComparisonOperator
    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class LogicalBinary(Expression):
    """`left AND right`, `left OR right`."""

    operator: LogicalOperator
    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Not(Expression):
    """`NOT operand`; also the negated forms of BETWEEN, IN, LIKE and IS DISTINCT FROM."""

    operand: Expression


@dataclass(frozen=True, slots=True)
class IsNull(Expression):
    """`operand IS NULL`."""

    operand: Expression


@dataclass(frozen=True, slots=True)
class IsNotNull(Expression):
    """`operand IS NOT NULL`."""

    operand: Expression


@dataclass(frozen=True, slots=True)
class Between(Expression):
    """`value BETWEEN lower AND upper` (inclusive at both ends)."""

    value: Expression
    lower: Expression
    upper: Expression


@dataclass(frozen=True, slots=True)
class InList(Expression):
    """`value IN (item, ...)`."""

    value: Expression
    items: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Like(Expression):
    """`value LIKE pattern [ESCAPE 'c']`; `escape` is one character or None."""

    value: Expression
    pattern: Expression
    escape: str | None = None


# ----------------------------------------------------------------------------- conditionals, casts


@dataclass(frozen=True, slots=True)
class WhenClause(Node):
    """`WHEN condition THEN result` inside a CASE."""

    condition: Expression
    result: Expression


@dataclass(frozen=True, slots=True)
class SearchedCase(Expression):
    """`CASE WHEN cond THEN result ... [ELSE default] END`."""

    whens: tuple[WhenClause, ...]
    default: Expression | None = None


@dataclass(frozen=True, slots=True)
class SimpleCase(Expression):
    """`CASE operand WHEN value THEN result ... [ELSE default] END`."""

    operand: Expression
    whens: tuple[WhenClause, ...]
    default: Expression | None = None


@dataclass(frozen=True, slots=True)
class Cast(Expression):
    """`CAST(expression AS type)`; `type` may be a `TypeRef` to a custom type."""

    expression: Expression
    type: SqlType


# ------------------------------------------------------------------------------ calls, constructors


@dataclass(frozen=True, slots=True)
class FunctionCall(Expression):
    """`NAME(arg, ...)`; lambdas come last among the arguments.

    `distinct` records `NAME(DISTINCT arg)`, which ksqlDB's own grammar does not accept: the
    engine decides what to make of it.
    """

    name: str
    args: tuple[Expression, ...] = ()
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class Lambda(Expression):
    """`x => body` or `(x, y) => body`, as an argument of a higher-order function."""

    params: tuple[str, ...]
    body: Expression


@dataclass(frozen=True, slots=True)
class CreateArray(Expression):
    """`ARRAY[item, ...]`."""

    items: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class CreateMap(Expression):
    """`MAP(key := value, ...)`, entries in the order written."""

    entries: tuple[tuple[Expression, Expression], ...]


@dataclass(frozen=True, slots=True)
class StructFieldValue(Node):
    """`name := value` inside a STRUCT constructor."""

    name: str
    value: Expression


@dataclass(frozen=True, slots=True)
class CreateStruct(Expression):
    """`STRUCT(name := value, ...)`, fields in the order written."""

    fields: tuple[StructFieldValue, ...]
