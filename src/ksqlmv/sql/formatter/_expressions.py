"""Expressions back to KSQL, with only the parentheses precedence needs.

Each node kind has a `<snake_case_name>_sql` method (sqlglot's convention); `sql(node)` finds it
by the node's class. Names are back-quoted only when they must be: when they are not in the
upper-cased form an unquoted name takes, or when they are reserved words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.tokens import KEYWORDS, NON_RESERVED

__all__ = ["ExpressionFormatter", "quote_identifier", "quote_string"]

_PLAIN_NAME = re.compile(r"[A-Z_][A-Z0-9_@]*\Z")
# Non-reserved words that, unquoted, would start a constructor in expression position.
_CONSTRUCTOR_WORDS = frozenset({"ARRAY", "MAP", "STRUCT"})

# Binding strength of each node kind; a child binding less tightly than its place requires is
# wrapped in parentheses.
OR, AND, NOT, PREDICATE, VALUE, ADDITIVE, MULTIPLICATIVE, UNARY, PRIMARY = range(1, 10)
_LEVELS: dict[type, int] = {
    ast.Not: NOT,
    ast.Comparison: PREDICATE,
    ast.Between: PREDICATE,
    ast.InList: PREDICATE,
    ast.Like: PREDICATE,
    ast.IsNull: PREDICATE,
    ast.IsNotNull: PREDICATE,
    ast.ArithmeticUnary: UNARY,
    ast.Lambda: OR,
}
_NUMBER_LITERALS = (ast.IntegerLiteral, ast.LongLiteral, ast.DecimalLiteral, ast.DoubleLiteral)
_NUMBER_START = frozenset("+-.0123456789")
_ADDITIVE_OPERATORS = frozenset({ast.ArithmeticOperator.ADD, ast.ArithmeticOperator.SUBTRACT})


def quote_identifier(name: str, *, always_in: frozenset[str] = frozenset()) -> str:
    """`name` as KSQL text: bare when it reads back the same, else back-quoted."""
    plain = _PLAIN_NAME.match(name) is not None and name not in always_in
    if plain and (name not in KEYWORDS or name in NON_RESERVED):
        return name
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    """`value` as a single-quoted KSQL string."""
    return "'" + value.replace("'", "''") + "'"


def level(node: ast.Expression) -> int:
    """How tightly `node` binds (higher binds tighter)."""
    if isinstance(node, ast.LogicalBinary):
        return OR if node.operator is ast.LogicalOperator.OR else AND
    if isinstance(node, ast.ArithmeticBinary):
        return ADDITIVE if node.operator in _ADDITIVE_OPERATORS else MULTIPLICATIVE
    return _LEVELS.get(type(node), PRIMARY)


class ExpressionFormatter:
    """Formats expressions and types."""

    def __init__(self, *, pretty: bool = False) -> None:
        self.pretty = pretty
        self._methods: dict[type, Callable[[Any], str]] = {}

    def sql(self, node: ast.Node) -> str:
        """The KSQL text of any node."""
        method = self._methods.get(type(node))
        if method is None:
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(node).__name__).lower() + "_sql"
            method = getattr(self, name, None)
            if method is None:
                raise TypeError(f"no KSQL form for {type(node).__name__}")
            self._methods[type(node)] = method
        return method(node)

    def wrap(self, node: ast.Expression, minimum: int) -> str:
        """`node`, in parentheses if it binds less tightly than `minimum`."""
        text = self.sql(node)
        return f"({text})" if level(node) < minimum else text

    def type_sql(self, sql_type: t.SqlType) -> str:
        """A type as KSQL text; custom type names are quoted like other names."""
        if isinstance(sql_type, ast.TypeRef):
            return quote_identifier(sql_type.name)
        if isinstance(sql_type, t.ArrayType):
            return f"ARRAY<{self.type_sql(sql_type.element)}>"
        if isinstance(sql_type, t.MapType):
            return f"MAP<{self.type_sql(sql_type.key)}, {self.type_sql(sql_type.value)}>"
        if isinstance(sql_type, t.StructType):
            fields = ", ".join(
                f"{quote_identifier(field.name)} {self.type_sql(field.type)}"
                for field in sql_type.fields
            )
            return f"STRUCT<{fields}>"
        return str(sql_type)

    # ------------------------------------------------------------------------------- literals

    def null_literal_sql(self, node: ast.NullLiteral) -> str:
        return "NULL"

    def boolean_literal_sql(self, node: ast.BooleanLiteral) -> str:
        return "TRUE" if node.value else "FALSE"

    def integer_literal_sql(self, node: ast.IntegerLiteral) -> str:
        return str(node.value)

    def long_literal_sql(self, node: ast.LongLiteral) -> str:
        return str(node.value)

    def decimal_literal_sql(self, node: ast.DecimalLiteral) -> str:
        text = format(node.value, "f")
        # Without a point the text would read back as an integer.
        return text if "." in text else text + "."

    def double_literal_sql(self, node: ast.DoubleLiteral) -> str:
        text = repr(node.value).upper()
        # Without an exponent the text would read back as a DECIMAL.
        return text if "E" in text else text + "E0"

    def string_literal_sql(self, node: ast.StringLiteral) -> str:
        return quote_string(node.value)

    def interval_unit_sql(self, node: ast.IntervalUnit) -> str:
        return node.unit.name

    # -------------------------------------------------------------------------- names, access

    def column_ref_sql(self, node: ast.ColumnRef) -> str:
        name = quote_identifier(node.name, always_in=_CONSTRUCTOR_WORDS)
        return name if node.source is None else f"{quote_identifier(node.source)}.{name}"

    def lambda_variable_sql(self, node: ast.LambdaVariable) -> str:
        return quote_identifier(node.name)

    def dereference_sql(self, node: ast.Dereference) -> str:
        return f"{self.wrap(node.base, PRIMARY)}->{quote_identifier(node.field)}"

    def subscript_sql(self, node: ast.Subscript) -> str:
        return f"{self.wrap(node.base, PRIMARY)}[{self.wrap(node.index, VALUE)}]"

    # ------------------------------------------------------------------------------ operators

    def arithmetic_unary_sql(self, node: ast.ArithmeticUnary) -> str:
        operand = node.operand
        text = self.wrap(operand, UNARY)
        # `-(5)` is not the literal -5, `-(5->x)` is not `(-5)->x`, and `--x` starts a comment.
        if isinstance(operand, _NUMBER_LITERALS) or text[0] in _NUMBER_START:
            text = f"({text})"
        return node.sign.value + text

    def arithmetic_binary_sql(self, node: ast.ArithmeticBinary) -> str:
        strength = level(node)
        left = self.wrap(node.left, strength)
        right = self.wrap(node.right, strength + 1)
        return f"{left} {node.operator.value} {right}"

    def comparison_sql(self, node: ast.Comparison) -> str:
        left = self.wrap(node.left, VALUE)
        return f"{left} {node.operator.value} {self.wrap(node.right, VALUE)}"

    def logical_binary_sql(self, node: ast.LogicalBinary) -> str:
        strength = level(node)
        left = self.wrap(node.left, strength)
        return f"{left} {node.operator.value} {self.wrap(node.right, strength + 1)}"

    def not_sql(self, node: ast.Not) -> str:
        operand = node.operand
        # The negated predicates read better in their infix forms, and parse back the same.
        if isinstance(operand, ast.Between):
            return self._between(operand, "NOT BETWEEN")
        if isinstance(operand, ast.InList):
            return self._in_list(operand, "NOT IN")
        if isinstance(operand, ast.Like):
            return self._like(operand, "NOT LIKE")
        if (
            isinstance(operand, ast.Comparison)
            and operand.operator is ast.ComparisonOperator.IS_DISTINCT_FROM
        ):
            left, right = self.wrap(operand.left, VALUE), self.wrap(operand.right, VALUE)
            return f"{left} IS NOT DISTINCT FROM {right}"
        return f"NOT {self.wrap(operand, NOT)}"

    def is_null_sql(self, node: ast.IsNull) -> str:
        return f"{self.wrap(node.operand, VALUE)} IS NULL"

    def is_not_null_sql(self, node: ast.IsNotNull) -> str:
        return f"{self.wrap(node.operand, VALUE)} IS NOT NULL"

    def between_sql(self, node: ast.Between) -> str:
        return self._between(node, "BETWEEN")

    def _between(self, node: ast.Between, keyword: str) -> str:
        value, lower, upper = (self.wrap(n, VALUE) for n in (node.value, node.lower, node.upper))
        return f"{value} {keyword} {lower} AND {upper}"

    def in_list_sql(self, node: ast.InList) -> str:
        return self._in_list(node, "IN")

    def _in_list(self, node: ast.InList, keyword: str) -> str:
        items = ", ".join(self.sql(item) for item in node.items)
        return f"{self.wrap(node.value, VALUE)} {keyword} ({items})"

    def like_sql(self, node: ast.Like) -> str:
        return self._like(node, "LIKE")

    def _like(self, node: ast.Like, keyword: str) -> str:
        text = f"{self.wrap(node.value, VALUE)} {keyword} {self.wrap(node.pattern, VALUE)}"
        return text if node.escape is None else f"{text} ESCAPE {quote_string(node.escape)}"

    # ------------------------------------------------------------------------ CASE, CAST, calls

    def when_clause_sql(self, node: ast.WhenClause) -> str:
        return f"WHEN {self.sql(node.condition)} THEN {self.sql(node.result)}"

    def searched_case_sql(self, node: ast.SearchedCase) -> str:
        return self._case("CASE", node.whens, node.default)

    def simple_case_sql(self, node: ast.SimpleCase) -> str:
        return self._case(f"CASE {self.wrap(node.operand, VALUE)}", node.whens, node.default)

    def _case(
        self, head: str, whens: tuple[ast.WhenClause, ...], default: ast.Expression | None
    ) -> str:
        parts = [head, *(self.sql(when) for when in whens)]
        if default is not None:
            parts.append(f"ELSE {self.sql(default)}")
        parts.append("END")
        return " ".join(parts)

    def cast_sql(self, node: ast.Cast) -> str:
        return f"CAST({self.sql(node.expression)} AS {self.type_sql(node.type)})"

    def function_call_sql(self, node: ast.FunctionCall) -> str:
        name = quote_identifier(node.name, always_in=_CONSTRUCTOR_WORDS)
        if not node.args:
            return f"{name}(*)" if node.name == "COUNT" else f"{name}()"
        args = ", ".join(self.sql(arg) for arg in node.args)
        return f"{name}({'DISTINCT ' if node.distinct else ''}{args})"

    def lambda_sql(self, node: ast.Lambda) -> str:
        params = [quote_identifier(param) for param in node.params]
        head = params[0] if len(params) == 1 else f"({', '.join(params)})"
        return f"{head} => {self.sql(node.body)}"

    def create_array_sql(self, node: ast.CreateArray) -> str:
        return "ARRAY[" + ", ".join(self.sql(item) for item in node.items) + "]"

    def create_map_sql(self, node: ast.CreateMap) -> str:
        entries = ", ".join(f"{self.sql(k)} := {self.sql(v)}" for k, v in node.entries)
        return f"MAP({entries})"

    def struct_field_value_sql(self, node: ast.StructFieldValue) -> str:
        return f"{quote_identifier(node.name)} := {self.sql(node.value)}"

    def create_struct_sql(self, node: ast.CreateStruct) -> str:
        return "STRUCT(" + ", ".join(self.sql(field) for field in node.fields) + ")"

    def time_clause_sql(self, node: ast.TimeClause) -> str:
        return f"{node.value} {node.unit.name}"
