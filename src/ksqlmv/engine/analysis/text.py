"""Expressions printed as ksqlDB's `ExpressionFormatter` prints them in messages and names.

Binary operators are parenthesised (`(A + B)`), calls upper-case (`ABS(X)`), strings single-quoted
with quotes doubled, booleans lower-case. With `qualify`, unqualified column references are printed
as `SOURCE.COLUMN`, as ksqlDB shows them once it has resolved their source.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ksqlmv.engine.codegen.javatext import java_double
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast.base import Expression, Node

__all__ = ["expression_text"]


def expression_text(
    node: Node,
    qualify: str | None = None,
    columns: Callable[[e.ColumnRef], str | None] | None = None,
) -> str:
    """`node` as ksqlDB prints it.

    Unqualified columns get `qualify.` in front when given; `columns` may name a column reference
    instead (as ksqlDB prints references once it has rewritten them against a row).
    """
    return _Formatter(qualify, columns).text(node)


_COMPARISON_TEXT = {
    e.ComparisonOperator.IS_DISTINCT_FROM: "IS DISTINCT FROM",
    e.ComparisonOperator.IS_NOT_DISTINCT_FROM: "IS NOT DISTINCT FROM",
}


class _Formatter:
    def __init__(
        self, qualify: str | None, columns: Callable[[e.ColumnRef], str | None] | None
    ) -> None:
        self.qualify = qualify
        self.columns = columns
        self.table: dict[type, Callable[[Node], str]] = {
            e.NullLiteral: lambda n: "null",
            e.BooleanLiteral: lambda n: "true" if n.value else "false",  # type: ignore[attr-defined]
            e.IntegerLiteral: lambda n: str(n.value),  # type: ignore[attr-defined]
            e.LongLiteral: lambda n: str(n.value),  # type: ignore[attr-defined]
            e.DecimalLiteral: lambda n: _decimal(n.value),  # type: ignore[attr-defined]
            e.DoubleLiteral: lambda n: java_double(n.value),  # type: ignore[attr-defined]
            e.StringLiteral: lambda n: "'" + n.value.replace("'", "''") + "'",  # type: ignore[attr-defined]
            e.IntervalUnit: lambda n: n.unit.name,  # type: ignore[attr-defined]
        }

    def text(self, node: Node) -> str:
        simple = self.table.get(type(node))
        if simple is not None:
            return simple(node)
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            return type(node).__name__
        result: str = method(node)
        return result

    def _join(self, nodes: tuple[Expression, ...]) -> str:
        return ", ".join(self.text(n) for n in nodes)

    def _ColumnRef(self, n: e.ColumnRef) -> str:
        if self.columns is not None:
            named = self.columns(n)
            if named is not None:
                return named
        source = n.source or self.qualify
        return f"{source}.{n.name}" if source else n.name

    def _LambdaVariable(self, n: e.LambdaVariable) -> str:
        return n.name

    def _Dereference(self, n: e.Dereference) -> str:
        return f"{self.text(n.base)}->{n.field}"

    def _Subscript(self, n: e.Subscript) -> str:
        return f"{self.text(n.base)}[{self.text(n.index)}]"

    def _ArithmeticUnary(self, n: e.ArithmeticUnary) -> str:
        value = self.text(n.operand)
        if n.sign is e.UnarySign.MINUS:
            return "-" + (" " if value.startswith("-") else "") + value
        return "+" + value

    def _ArithmeticBinary(self, n: e.ArithmeticBinary) -> str:
        return f"({self.text(n.left)} {n.operator.value} {self.text(n.right)})"

    def _Comparison(self, n: e.Comparison) -> str:
        op = _COMPARISON_TEXT.get(n.operator, n.operator.value)
        return f"({self.text(n.left)} {op} {self.text(n.right)})"

    def _LogicalBinary(self, n: e.LogicalBinary) -> str:
        return f"({self.text(n.left)} {n.operator.value} {self.text(n.right)})"

    def _Not(self, n: e.Not) -> str:
        return f"(NOT {self.text(n.operand)})"

    def _IsNull(self, n: e.IsNull) -> str:
        return f"({self.text(n.operand)} IS NULL)"

    def _IsNotNull(self, n: e.IsNotNull) -> str:
        return f"({self.text(n.operand)} IS NOT NULL)"

    def _Between(self, n: e.Between) -> str:
        return f"({self.text(n.value)} BETWEEN {self.text(n.lower)} AND {self.text(n.upper)})"

    def _InList(self, n: e.InList) -> str:
        return f"({self.text(n.value)} IN ({self._join(n.items)}))"

    def _Like(self, n: e.Like) -> str:
        escape = f" ESCAPE '{n.escape}'" if n.escape else ""
        return f"({self.text(n.value)} LIKE {self.text(n.pattern)}{escape})"

    def _whens(self, whens: tuple[e.WhenClause, ...]) -> list[str]:
        return [f"WHEN {self.text(w.condition)} THEN {self.text(w.result)}" for w in whens]

    def _SearchedCase(self, n: e.SearchedCase) -> str:
        parts = ["CASE", *self._whens(n.whens)]
        if n.default is not None:
            parts += ["ELSE", self.text(n.default)]
        return "(" + " ".join([*parts, "END"]) + ")"

    def _SimpleCase(self, n: e.SimpleCase) -> str:
        parts = ["CASE", self.text(n.operand), *self._whens(n.whens)]
        if n.default is not None:
            parts += ["ELSE", self.text(n.default)]
        return "(" + " ".join([*parts, "END"]) + ")"

    def _Cast(self, n: e.Cast) -> str:
        return f"CAST({self.text(n.expression)} AS {n.type})"

    def _FunctionCall(self, n: e.FunctionCall) -> str:
        if not n.args and n.name == "COUNT":
            return "COUNT(*)"
        return f"{n.name}({self._join(n.args)})"

    def _Lambda(self, n: e.Lambda) -> str:
        return f"({', '.join(n.params)}) => {self.text(n.body)}"

    def _CreateArray(self, n: e.CreateArray) -> str:
        return f"ARRAY[{self._join(n.items)}]"

    def _CreateMap(self, n: e.CreateMap) -> str:
        entries = ", ".join(f"{self.text(k)}:={self.text(v)}" for k, v in n.entries)
        return f"MAP({entries})"

    def _CreateStruct(self, n: e.CreateStruct) -> str:
        fields = ", ".join(f"{f.name}:={self.text(f.value)}" for f in n.fields)
        return f"STRUCT({fields})"


def _decimal(value: Decimal) -> str:
    return str(value)
