"""The WHERE clause of a pull query, read as ksqlDB's `QueryFilterNode` reads it.

The clause is rewritten in disjunctive normal form (IN and BETWEEN expanded); each disjunct must
then be a key lookup (an equality on every key column, with values that convert to the key
types) or, when `ksql.query.pull.table.scan.enabled` allows it, a reason to scan. Without table
scans, a disjunct that is neither is refused with ksqlDB's message and its explanation of what
pull queries need. Key ranges are allowed either way (the scan reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.catalog import Column, DataSource
from ksqlmv.engine.catalog.schema import WINDOW_BOUNDS
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast import query as q
from ksqlmv.sql.ast.base import Expression, Node
from ksqlmv.sql.types import BaseType, DecimalType

__all__ = [
    "PULL_QUERY_SYNTAX_HELP",
    "NoLookup",
    "WhereAnalysis",
    "check_likes",
    "columns_of",
    "invalid_where",
    "pure_key_lookup",
]

PULL_QUERY_SYNTAX_HELP = (
    " See https://cnfl.io/queries for more info.\n"
    "Add EMIT CHANGES if you intended to issue a push query."
)

_WINDOW_OPERATORS = frozenset(
    {
        e.ComparisonOperator.EQUAL,
        e.ComparisonOperator.GREATER_THAN,
        e.ComparisonOperator.GREATER_THAN_OR_EQUAL,
        e.ComparisonOperator.LESS_THAN,
        e.ComparisonOperator.LESS_THAN_OR_EQUAL,
    }
)
_NOT_KEY_LOOKUP = frozenset(
    {
        e.ComparisonOperator.NOT_EQUAL,
        e.ComparisonOperator.IS_DISTINCT_FROM,
        e.ComparisonOperator.IS_NOT_DISTINCT_FROM,
    }
)
_OPERATOR_NAMES = {
    e.ComparisonOperator.EQUAL: "EQUAL",
    e.ComparisonOperator.NOT_EQUAL: "NOT_EQUAL",
    e.ComparisonOperator.LESS_THAN: "LESS_THAN",
    e.ComparisonOperator.LESS_THAN_OR_EQUAL: "LESS_THAN_OR_EQUAL",
    e.ComparisonOperator.GREATER_THAN: "GREATER_THAN",
    e.ComparisonOperator.GREATER_THAN_OR_EQUAL: "GREATER_THAN_OR_EQUAL",
    e.ComparisonOperator.IS_DISTINCT_FROM: "IS_DISTINCT_FROM",
    e.ComparisonOperator.IS_NOT_DISTINCT_FROM: "IS_NOT_DISTINCT_FROM",
}


def columns_of(node: Node) -> list[str]:
    """Every column name referenced under `node`, in order."""
    found: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, e.ColumnRef):
            found.append(item.name)
            return
        if isinstance(item, Node):
            for name in getattr(item, "__dataclass_fields__", {}):
                visit(getattr(item, name, None))
        elif isinstance(item, tuple | list):
            for child in item:
                visit(child)

    visit(node)
    return found


def _dnf(node: Expression) -> list[list[Expression]]:
    """The disjuncts of `node` in disjunctive normal form, each a list of conjuncts."""
    if isinstance(node, e.InList):
        return [[e.Comparison(e.ComparisonOperator.EQUAL, node.value, item)] for item in node.items]
    if isinstance(node, e.Between):
        return [
            [
                e.Comparison(e.ComparisonOperator.GREATER_THAN_OR_EQUAL, node.value, node.lower),
                e.Comparison(e.ComparisonOperator.LESS_THAN_OR_EQUAL, node.value, node.upper),
            ]
        ]
    if isinstance(node, e.LogicalBinary):
        left, right = _dnf(node.left), _dnf(node.right)
        if node.operator is e.LogicalOperator.OR:
            return left + right
        return [a + b for a in left for b in right]
    return [[node]]


def _conjunction_text(conjuncts: Sequence[Expression]) -> str:
    node = conjuncts[0]
    for item in conjuncts[1:]:
        node = e.LogicalBinary(e.LogicalOperator.AND, node, item)
    return expression_text(node)


def invalid_where(message: str, windowed: bool) -> AnalysisError:
    """ksqlDB's `invalidWhereClauseException`: the reason, then how pull queries must look."""
    additional = ""
    if windowed:
        additional = (
            "\n - (optionally) limits the time bounds of the windowed table.\n"
            "\t Bounds on [`WINDOWSTART`, `WINDOWEND`] are supported\n"
            "\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, "
            "LESS_THAN_OR_EQUAL]"
        )
    return AnalysisError(
        f"{message}. {PULL_QUERY_SYNTAX_HELP}\n"  # noqa: S608 - a message quoting SQL
        "Pull queries require a WHERE clause that:\n"
        " - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`.\n"
        " - in the case of a multi-column key, is a conjunction of equality expressions that "
        "cover all key columns.\n"
        " - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range "
        "scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true"
        f"{additional}\n"
        "If more flexible queries are needed, , table scans can be enabled by setting "
        "ksql.query.pull.table.scan.enabled=true."
    )


class _NeedsScan(Exception):
    """A disjunct that cannot be answered by key lookups."""


@dataclass
class WhereAnalysis:
    source: DataSource
    scans_enabled: bool

    @property
    def windowed(self) -> bool:
        return self.source.windowed

    def scan_or_raise(self, message: str) -> None:
        if self.scans_enabled:
            raise _NeedsScan
        raise invalid_where(message, self.windowed)

    def keys(self, where: Expression | None) -> list[tuple[Any, ...]] | None:
        """The keys to look up, or None when the table must be scanned."""
        if where is None:
            if self.scans_enabled:
                return None
            raise invalid_where("WHERE clause missing key column", self.windowed)
        disjuncts = _dnf(where)
        try:
            for conjuncts in disjuncts:
                self._validate(conjuncts)
        except _NeedsScan:
            return None
        found: list[tuple[Any, ...]] = []
        for conjuncts in disjuncts:
            key = self._key_of(conjuncts)
            if key is None:
                return None
            found.append(key)
        return found

    def _column_side(self, node: e.Comparison) -> tuple[e.ColumnRef | None, Expression]:
        if isinstance(node.right, e.ColumnRef):
            return node.right, node.left
        if isinstance(node.left, e.ColumnRef):
            return node.left, node.right
        return None, node.right

    def _validate(self, conjuncts: list[Expression]) -> None:
        schema = self.source.schema
        key_names = [c.name for c in schema.key]
        seen: set[str] = set()
        for node in conjuncts:
            if isinstance(node, e.Like):
                self._validate_like(node)
                continue
            if not isinstance(node, e.Comparison):
                self.scan_or_raise(
                    f"Unsupported expression in WHERE clause: {expression_text(node)}"
                )
                continue
            column, other = self._column_side(node)
            if column is None:
                self.scan_or_raise("A comparison must directly reference a key column")
                continue
            if columns_of(other):
                self.scan_or_raise(
                    "A comparison must be between a key column and a resolvable expression"
                )
                continue
            if column.name in WINDOW_BOUNDS:
                if node.operator not in _WINDOW_OPERATORS:
                    raise invalid_where(
                        f"Unsupported {column.name} bounds: {_OPERATOR_NAMES[node.operator]}", True
                    )
                if not self.windowed:
                    raise invalid_where(
                        "Cannot use WINDOWSTART/WINDOWEND on non-windowed source", False
                    )
                continue
            found = schema.find(column.name)
            if found is None:
                continue  # not a column of the source: the binder has the error to give
            if not found.is_key:
                continue
            if node.operator in _NOT_KEY_LOOKUP:
                self.scan_or_raise(
                    "Bound on key columns '["
                    + ", ".join(str(c) for c in schema.key)
                    + "]' must currently be '='"
                )
            if column.name in seen and not self.scans_enabled:
                raise invalid_where(
                    "A comparison condition on the key column cannot be combined with other "
                    "comparisons such as an IN predicate",
                    self.windowed,
                )
            seen.add(column.name)
        if not seen:
            self.scan_or_raise(
                f"WHERE clause missing key column for disjunct: {_conjunction_text(conjuncts)}"
            )
        elif len(seen) != len(key_names):
            specified = ", ".join(f"`{n}`" for n in key_names if n in seen)
            expected = ", ".join(str(c) for c in schema.key)
            self.scan_or_raise(
                "Multi-column sources must specify every key in the WHERE clause. Specified: "
                f"[{specified}] Expected: [{expected}]"
            )

    def _validate_like(self, node: e.Like) -> None:
        if not isinstance(node.value, e.ColumnRef):
            self.scan_or_raise("Like condition must be between strings")
            return
        column = self.source.schema.find(node.value.name)
        if column is None:
            raise invalid_where(
                f"Like condition on non-existent column {node.value.name}", self.windowed
            )
        if column.type.base is not BaseType.STRING:
            raise invalid_where(
                "The column type for Like condition must be VARCHAR. The column type is "
                f"{column.type.base.value}",
                self.windowed,
            )
        if not isinstance(node.pattern, e.StringLiteral | e.NullLiteral):
            raise invalid_where(
                f"Like condition on non-string pattern {type(node.pattern).__name__}",
                self.windowed,
            )

    def _key_of(self, conjuncts: list[Expression]) -> tuple[Any, ...] | None:
        """The key a disjunct looks up (an equality on every key column), or None (scan)."""
        schema = self.source.schema
        values: dict[str, Any] = {}
        equal_only = True
        for node in conjuncts:
            if not isinstance(node, e.Comparison):
                continue
            column, other = self._column_side(node)
            if column is None:
                continue
            found = schema.find(column.name)
            if found is None or not found.is_key:
                continue
            value = _resolve_key(other, found, node)
            if node.operator is e.ComparisonOperator.EQUAL:
                values[found.name] = value
            elif found.name not in values:
                equal_only = False
        if not equal_only or len(values) != len(schema.key):
            return None
        return tuple(values[c.name] for c in schema.key)


def _resolve_key(other: Expression, column: Column, hint: e.Comparison) -> Any:
    """A literal key value coerced strictly to the key column's type (ksqlDB's messages)."""
    if isinstance(other, e.NullLiteral):
        raise AnalysisError(f"Primary key columns can not be NULL: {expression_text(hint)}")
    if isinstance(other, e.ArithmeticUnary) and isinstance(
        other.operand, e.IntegerLiteral | e.LongLiteral | e.DecimalLiteral | e.DoubleLiteral
    ):
        literal: Any = other.operand.value
        if other.sign is e.UnarySign.MINUS:
            literal = -literal
    elif isinstance(other, e.Literal):
        literal = getattr(other, "value", None)
    else:
        raise NoLookup
    coerced = _coerce(literal, column)
    if coerced is _FAILED:
        shown = "true" if literal is True else "false" if literal is False else literal
        raise AnalysisError(
            f"'{shown}' can not be converted to the type of the key column: "
            f"{column.name} {column.type} KEY"
        )
    return coerced


class NoLookup(Exception):
    """A key bound whose value is an expression: answered by scanning."""


_FAILED = object()


def _coerce(value: Any, column: Column) -> Any:
    base = column.type.base
    if base is BaseType.STRING:
        return value if isinstance(value, str) else _FAILED
    if base is BaseType.BOOLEAN:
        return value if isinstance(value, bool) else _FAILED
    if isinstance(value, bool | str):
        return _FAILED
    if base is BaseType.INTEGER:
        return value if isinstance(value, int) and -(2**31) <= value < 2**31 else _FAILED
    if base is BaseType.BIGINT:
        return value if isinstance(value, int) else _FAILED
    if base is BaseType.DOUBLE:
        return float(value) if isinstance(value, int | float | Decimal) else _FAILED
    if base is BaseType.DECIMAL and isinstance(value, int | Decimal):
        assert isinstance(column.type, DecimalType)
        return Decimal(value).quantize(Decimal(1).scaleb(-column.type.scale))
    return _FAILED


def check_likes(node: Any, source: DataSource) -> None:
    """ksqlDB checks LIKE's column type while reading the WHERE clause, before typing it."""
    if isinstance(node, e.Like) and isinstance(node.value, e.ColumnRef):
        WhereAnalysis(source, True)._validate_like(node)
    elif isinstance(node, e.LogicalBinary):
        check_likes(node.left, source)
        check_likes(node.right, source)
    elif isinstance(node, e.Not):
        check_likes(node.operand, source)


def pure_key_lookup(query: q.Query, source: DataSource) -> list[tuple[Any, ...]] | None:
    """The keys of a WHERE clause made only of key equalities (`ID = 1`, `ID IN (1, 2)`,
    `A = 1 AND B = 'x'`, and ORs of them), each disjunct naming every key column once; None for
    any other WHERE clause. Such a query needs no filter beyond the lookup itself."""
    if query.where is None or not source.is_table:
        return None
    schema = source.schema
    found: list[tuple[Any, ...]] = []
    try:
        for conjuncts in _dnf(query.where):
            values: dict[str, Any] = {}
            for node in conjuncts:
                if not isinstance(node, e.Comparison) or node.operator is not (
                    e.ComparisonOperator.EQUAL
                ):
                    return None
                column, other = WhereAnalysis(source, True)._column_side(node)
                if column is None:
                    return None
                key = schema.find(column.name)
                if key is None or not key.is_key or key.name in values:
                    return None
                if not isinstance(other, e.Literal) or isinstance(other, e.NullLiteral):
                    return None
                values[key.name] = _resolve_key(other, key, node)
            if len(values) != len(schema.key):
                return None
            found.append(tuple(values[c.name] for c in schema.key))
    except (AnalysisError, NoLookup):
        return None
    return found
