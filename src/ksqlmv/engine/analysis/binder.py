"""Binding: syntax expressions → typed, resolved `bound` expressions.

A `Binder` resolves column references through a `Scope`, types every node with ksqlDB's rules
(`typerules`), resolves function calls through the `FunctionLibrary`, and makes every implicit
conversion explicit. `substitutions` lets the query analyzer replace whole sub-expressions (GROUP
BY expressions and aggregate calls) by columns of the aggregated row before binding the rest.

>>> # binder.bind(parse_expression("ID + 1")) -> Arithmetic(INTEGER, "(ID + 1)", ...)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.analysis.coercion import coerce_list, common_type
from ksqlmv.engine.analysis.functions import (
    INTERVAL_UNIT,
    ArgType,
    FunctionKind,
    FunctionLibrary,
    LambdaType,
    PendingLambda,
)
from ksqlmv.engine.analysis.text import expression_text
from ksqlmv.engine.analysis.typerules import (
    arithmetic_type,
    decimal_type_of,
    decimal_type_of_value,
    is_number,
    valid_comparison,
)
from ksqlmv.engine.codegen.casts import cast_function, to_decimal
from ksqlmv.engine.functions.conversions import (
    date_from_text,
    time_from_text,
    timestamp_from_text,
)
from ksqlmv.errors import AnalysisError, UnknownFunctionError
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast.base import Expression, TypeRef
from ksqlmv.sql.types import (
    BIGINT,
    BOOLEAN,
    DOUBLE,
    INTEGER,
    STRING,
    ArrayType,
    BaseType,
    MapType,
    SqlType,
    StructField,
    StructType,
)

__all__ = ["Binder", "Scope", "ScopeColumn", "resolve_type"]

_MS_PER_DAY = 86_400_000


@dataclass(frozen=True, slots=True)
class ScopeColumn:
    """A column a scope offers: the row column it reads, its type, the source alias it has."""

    row_name: str
    type: SqlType
    source: str | None


@dataclass
class Scope:
    """The columns visible to an expression, by source alias, plus unowned columns.

    `sources` maps alias → {column name → ScopeColumn}; `extra` holds columns that belong to no
    source (a join's synthetic key, an aggregation's group-by columns).
    """

    sources: dict[str, dict[str, ScopeColumn]] = field(default_factory=dict)
    extra: dict[str, ScopeColumn] = field(default_factory=dict)

    def resolve(self, ref: e.ColumnRef, clause: str) -> ScopeColumn:
        """The column `ref` names, or AnalysisError with ksqlDB's wording."""
        where = f"Line: {ref.line}, Col: {ref.column}: " if ref.line else ""
        prefix = where + (f"{clause} column" if clause else "Column")
        if ref.source is not None:
            columns = self.sources.get(ref.source)
            if columns is None:
                raise AnalysisError(f"'{ref.source}' is not a valid stream/table name or alias.")
            found = columns.get(ref.name)
            if found is None:
                raise AnalysisError(f"{prefix} '{ref.source}.{ref.name}' cannot be resolved.")
            return found
        matches = [
            (alias, cols[ref.name]) for alias, cols in self.sources.items() if ref.name in cols
        ]
        if len(matches) == 1:
            return matches[0][1]
        if len(matches) > 1:
            options = sorted(f"{alias}.{ref.name}" for alias, _ in matches)
            # ksqlDB resolves column references while it builds the statement's tree, so an
            # ambiguous one is reported as a failure to prepare the statement.
            raise AnalysisError(
                f"Exception while preparing statement: {where}Column '{ref.name}' is ambiguous. "
                f"Could be {_or_join(options)}."
            )
        if ref.name in self.extra:
            return self.extra[ref.name]
        raise AnalysisError(f"{prefix} '{ref.name}' cannot be resolved.")


def _or_join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def resolve_type(t: SqlType, types: Mapping[str, SqlType]) -> SqlType:
    """`t` with every custom type reference replaced by its definition."""
    if isinstance(t, TypeRef):
        found = types.get(t.name.upper()) or types.get(t.name)
        if found is None:
            raise AnalysisError(f"Unknown type: {t.name}")
        return found
    if isinstance(t, ArrayType):
        return ArrayType(resolve_type(t.element, types))
    if isinstance(t, MapType):
        return MapType(resolve_type(t.key, types), resolve_type(t.value, types))
    if isinstance(t, StructType):
        return StructType(tuple(StructField(f.name, resolve_type(f.type, types)) for f in t.fields))
    return t


_COMPARISON_OPS = {
    e.ComparisonOperator.EQUAL: "=",
    e.ComparisonOperator.NOT_EQUAL: "<>",
    e.ComparisonOperator.LESS_THAN: "<",
    e.ComparisonOperator.LESS_THAN_OR_EQUAL: "<=",
    e.ComparisonOperator.GREATER_THAN: ">",
    e.ComparisonOperator.GREATER_THAN_OR_EQUAL: ">=",
    e.ComparisonOperator.IS_DISTINCT_FROM: "IS_DISTINCT",
    e.ComparisonOperator.IS_NOT_DISTINCT_FROM: "IS_NOT_DISTINCT",
}


class Binder:
    """Binds expressions of one clause against one scope."""

    def __init__(
        self,
        scope: Scope,
        functions: FunctionLibrary,
        types: Mapping[str, SqlType] | None = None,
        *,
        clause: str = "",
        substitutions: Mapping[Expression, b.Bound] | None = None,
        on_aggregate: Callable[[e.FunctionCall], b.Bound] | None = None,
    ) -> None:
        self.scope = scope
        self.functions = functions
        self.types = types or {}
        self.clause = clause
        self.substitutions = substitutions or {}
        self.on_aggregate = on_aggregate
        self._lambdas: dict[str, SqlType] = {}

    def bind(self, node: Expression) -> b.Bound:
        """The bound form of `node`."""
        substitute = self.substitutions.get(node)
        if substitute is not None:
            return substitute
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise AnalysisError(f"Unsupported expression: {expression_text(node)}")
        result: b.Bound = method(node)
        return result

    def text(self, node: Expression) -> str:
        """How ksqlDB prints `node`: column references by the row column they read."""
        return expression_text(node, columns=self._column_text)

    def _column_text(self, ref: e.ColumnRef) -> str | None:
        substitute = self.substitutions.get(ref)
        if substitute is not None:
            return substitute.text
        try:
            return self.scope.resolve(ref, self.clause).row_name
        except AnalysisError:
            return None

    # -- literals --------------------------------------------------------------------------

    def _NullLiteral(self, n: e.NullLiteral) -> b.Bound:
        return b.Constant(None, "null", None)

    def _BooleanLiteral(self, n: e.BooleanLiteral) -> b.Bound:
        return b.Constant(BOOLEAN, self.text(n), n.value)

    def _IntegerLiteral(self, n: e.IntegerLiteral) -> b.Bound:
        return b.Constant(INTEGER, self.text(n), n.value)

    def _LongLiteral(self, n: e.LongLiteral) -> b.Bound:
        return b.Constant(BIGINT, self.text(n), n.value)

    def _DecimalLiteral(self, n: e.DecimalLiteral) -> b.Bound:
        t = decimal_type_of_value(n.value)
        value = n.value if n.value.as_tuple().exponent <= 0 else n.value.quantize(1)  # type: ignore[operator]
        return b.Constant(t, self.text(n), value)

    def _DoubleLiteral(self, n: e.DoubleLiteral) -> b.Bound:
        return b.Constant(DOUBLE, self.text(n), n.value)

    def _StringLiteral(self, n: e.StringLiteral) -> b.Bound:
        return b.Constant(STRING, self.text(n), n.value)

    def _IntervalUnit(self, n: e.IntervalUnit) -> b.Bound:
        return b.Constant(None, n.unit.name, n.unit)

    # -- references ------------------------------------------------------------------------

    def _ColumnRef(self, n: e.ColumnRef) -> b.Bound:
        column = self.scope.resolve(n, self.clause)
        return b.ColumnValue(column.type, self.text(n), column.row_name)

    def _LambdaVariable(self, n: e.LambdaVariable) -> b.Bound:
        return b.LambdaValue(self._lambdas.get(n.name), n.name, n.name)

    def _Dereference(self, n: e.Dereference) -> b.Bound:
        base = self.bind(n.base)
        if not isinstance(base.type, StructType):
            raise AnalysisError(f"Expected STRUCT type, got: {base.type}")
        found = base.type.field(n.field)
        if found is None:
            raise AnalysisError(f"Could not find field '{n.field}' in '{base.text}'.")
        return b.Dereference(found.type, self.text(n), base, n.field)

    def _Subscript(self, n: e.Subscript) -> b.Bound:
        base = self.bind(n.base)
        index = self.bind(n.index)
        if isinstance(base.type, ArrayType):
            index = self._convert(index, INTEGER) if index.type != INTEGER else index
            return b.Subscript(base.type.element, self.text(n), base, index)
        if isinstance(base.type, MapType):
            if index.type is not None and index.type != base.type.key:
                index = self._implicit(index, base.type.key)
            return b.Subscript(base.type.value, self.text(n), base, index)
        hint = ""
        if isinstance(base.type, StructType):
            hint = f" Use the dereference operator for STRUCTS: {base.text}->'{index.text}'"
        raise AnalysisError(
            f"Subscript expression ({self.text(n)}) do not apply to {base.type}.{hint}"
        )

    # -- operators -------------------------------------------------------------------------

    def _ArithmeticUnary(self, n: e.ArithmeticUnary) -> b.Bound:
        operand = self.bind(n.operand)
        if not is_number(operand.type):
            raise AnalysisError(
                f"Error processing expression: {self.text(n)}. "
                f"Unsupported arithmetic types. {_base_name(operand.type)}"
            )
        if n.sign is e.UnarySign.PLUS:
            return operand
        return b.Negate(operand.type, self.text(n), operand)

    def _ArithmeticBinary(self, n: e.ArithmeticBinary) -> b.Bound:
        left, right = self.bind(n.left), self.bind(n.right)
        op = n.operator.value
        try:
            result = arithmetic_type(op, left.type, right.type)
        except AnalysisError as error:
            raise AnalysisError(f"Error processing expression: {self.text(n)}. {error}") from None
        if result.base is BaseType.DECIMAL:
            left, right = self._to_decimal(left), self._to_decimal(right)
        elif result.base is BaseType.DOUBLE:
            left, right = self._to_double(left), self._to_double(right)
        return b.Arithmetic(result, self.text(n), op, left, right)

    def _to_decimal(self, operand: b.Bound) -> b.Bound:
        if operand.type is not None and operand.type.base is BaseType.DECIMAL:
            return operand
        assert operand.type is not None
        return b.Cast(decimal_type_of(operand.type), operand.text, operand)

    def _to_double(self, operand: b.Bound) -> b.Bound:
        if operand.type is not None and operand.type.base is not BaseType.DOUBLE:
            return b.Convert(DOUBLE, operand.text, operand, float)
        return operand

    def _Comparison(self, n: e.Comparison) -> b.Bound:
        left, right = self.bind(n.left), self.bind(n.right)
        op = _COMPARISON_OPS[n.operator]
        if left.type is None or right.type is None:
            raise AnalysisError(
                f"Comparison with NULL not supported: {_base_name(left.type).upper()} "
                f"{n.operator.value} {_base_name(right.type).upper()}\n"
                "Use 'IS NULL' or 'IS NOT NULL' instead."
            )
        if not valid_comparison(left.type, op, right.type):
            raise AnalysisError(
                f"Cannot compare {left.text} ({left.type}) to {right.text} ({right.type}) "
                f"with {n.operator.name}."
            )
        left, right = self._comparable(left, right)
        return b.Comparison(BOOLEAN, self.text(n), op, left, right)

    def _comparable(self, left: b.Bound, right: b.Bound) -> tuple[b.Bound, b.Bound]:
        """Operands converted so that Python's operators compare them as ksqlDB would."""
        lt, rt = left.type, right.type
        assert lt is not None and rt is not None
        if BaseType.DECIMAL in (lt.base, rt.base):
            return self._decimalish(left), self._decimalish(right)
        times = {lt.base, rt.base} & {BaseType.DATE, BaseType.TIME, BaseType.TIMESTAMP}
        if times:
            if BaseType.TIME in times:
                return self._time_as(left, BaseType.TIME), self._time_as(right, BaseType.TIME)
            if BaseType.TIMESTAMP in times:
                return self._time_as(left, BaseType.TIMESTAMP), self._time_as(
                    right, BaseType.TIMESTAMP
                )
            return self._time_as(left, BaseType.DATE), self._time_as(right, BaseType.DATE)
        return left, right

    def _decimalish(self, operand: b.Bound) -> b.Bound:
        if operand.type is not None and operand.type.base is BaseType.DECIMAL:
            return operand
        return b.Convert(operand.type, operand.text, operand, to_decimal)

    def _time_as(self, operand: b.Bound, kind: BaseType) -> b.Bound:
        assert operand.type is not None
        base = operand.type.base
        if base is kind:
            return operand
        if base is BaseType.STRING:
            parser = {
                BaseType.TIME: time_from_text,
                BaseType.TIMESTAMP: timestamp_from_text,
                BaseType.DATE: date_from_text,
            }[kind]
            return b.Convert(operand.type, operand.text, operand, parser)
        if base is BaseType.DATE and kind is BaseType.TIMESTAMP:
            return b.Convert(operand.type, operand.text, operand, lambda days: days * _MS_PER_DAY)
        return operand

    def _LogicalBinary(self, n: e.LogicalBinary) -> b.Bound:
        left = self._boolean(n.left, n)
        right = self._boolean(n.right, n)
        return b.Logical(BOOLEAN, self.text(n), n.operator.value, left, right)

    def _boolean(self, node: Expression, parent: Expression) -> b.Bound:
        bound = self.bind(node)
        if bound.type is not None and bound.type != BOOLEAN:
            raise AnalysisError(
                f"Logical binary expects two boolean values.  Actual {bound.type} "
                f"for {bound.text} in {self.text(parent)}"
            )
        return bound

    def _Not(self, n: e.Not) -> b.Bound:
        return b.Not(BOOLEAN, self.text(n), self.bind(n.operand))

    def _IsNull(self, n: e.IsNull) -> b.Bound:
        return b.IsNull(BOOLEAN, self.text(n), self.bind(n.operand), False)

    def _IsNotNull(self, n: e.IsNotNull) -> b.Bound:
        return b.IsNull(BOOLEAN, self.text(n), self.bind(n.operand), True)

    def _Between(self, n: e.Between) -> b.Bound:
        value, lower, upper = self.bind(n.value), self.bind(n.lower), self.bind(n.upper)
        for bound_side, other in ((lower, value), (upper, value)):
            if bound_side.type is None or other.type is None:
                continue
            if not valid_comparison(other.type, ">=", bound_side.type):
                raise AnalysisError(
                    f"Cannot compare {other.text} ({other.type}) to {bound_side.text} "
                    f"({bound_side.type}) with GREATER_THAN_OR_EQUAL."
                )
        v1, lo = self._comparable(value, lower) if lower.type else (value, lower)
        v2, hi = self._comparable(value, upper) if upper.type else (value, upper)
        if v1 != v2 and BaseType.DECIMAL in {x.type.base for x in (value, lower, upper) if x.type}:
            # A DECIMAL anywhere: all three compare as decimals (a DOUBLE through its shortest
            # text, as ksqlDB's BigDecimal.valueOf does).
            v1, lo, hi = self._decimalish(value), self._decimalish(lower), self._decimalish(upper)
        elif v1 != v2:
            v1 = value
            lo = self._comparable(value, lower)[1] if lower.type else lower
            hi = self._comparable(value, upper)[1] if upper.type else upper
        return b.Between(BOOLEAN, self.text(n), v1, lo, hi)

    def _InList(self, n: e.InList) -> b.Bound:
        value = self.bind(n.value)
        items = [self.bind(i) for i in n.items if not isinstance(i, e.NullLiteral)]
        target = common_type([value, *items])
        if target is not None:
            value, *items = coerce_list([value, *items], target)
        return b.InList(BOOLEAN, self.text(n), value, tuple(items))

    def _Like(self, n: e.Like) -> b.Bound:
        value, pattern = self.bind(n.value), self.bind(n.pattern)
        for side in (value, pattern):
            if side.type is not None and side.type != STRING:
                raise AnalysisError(
                    f"Function 'LIKE' does not accept parameters ({value.type}, {pattern.type})."
                )
        return b.Like(BOOLEAN, self.text(n), value, pattern, n.escape)

    # -- conditionals and casts ------------------------------------------------------------

    def _SearchedCase(self, n: e.SearchedCase) -> b.Bound:
        whens: list[tuple[b.Bound, b.Bound]] = []
        result_type: SqlType | None = None
        for when in n.whens:
            condition = self.bind(when.condition)
            if condition.type is None or condition.type != BOOLEAN:
                raise AnalysisError(
                    "WHEN operand type should be boolean.\n"
                    f"Type for '{condition.text}' is {condition.type}"
                )
            result = self.bind(when.result)
            if result.type is not None:
                if result_type is None:
                    result_type = result.type
                elif result.type != result_type:
                    raise AnalysisError(
                        "Invalid Case expression. Type for all 'THEN' clauses should be the "
                        f"same.\nTHEN expression 'WHEN {condition.text} THEN {result.text}' has "
                        f"type: {result.type}.\nPrevious THEN expression(s) type: {result_type}."
                    )
            whens.append((condition, result))
        default = self.bind(n.default) if n.default is not None else None
        if default is not None and default.type is not None:
            if result_type is not None and default.type != result_type:
                raise AnalysisError(
                    "Invalid Case expression. Type for the default clause should be the same as "
                    f"for 'THEN' clauses.\nTHEN type: {result_type}.\n"
                    f"DEFAULT type: {default.type}."
                )
            result_type = result_type or default.type
        if result_type is None:
            raise AnalysisError("Invalid Case expression. All case branches have NULL type")
        return b.Case(result_type, self.text(n), tuple(whens), default)

    def _SimpleCase(self, n: e.SimpleCase) -> b.Bound:
        searched = e.SearchedCase(
            tuple(
                e.WhenClause(
                    e.Comparison(e.ComparisonOperator.EQUAL, n.operand, w.condition), w.result
                )
                for w in n.whens
            ),
            n.default,
        )
        bound = self._SearchedCase(searched)
        return b.Case(bound.type, self.text(n), bound.whens, bound.default)  # type: ignore[attr-defined]

    def _Cast(self, n: e.Cast) -> b.Bound:
        operand = self.bind(n.expression)
        target = resolve_type(n.type, self.types)
        try:
            cast_function(operand.type, target)
        except AnalysisError as error:
            raise AnalysisError(str(error)) from None
        return b.Cast(target, self.text(n), operand)

    def _convert(self, operand: b.Bound, target: SqlType) -> b.Bound:
        return b.Cast(target, operand.text, operand) if operand.type != target else operand

    def _implicit(self, operand: b.Bound, target: SqlType) -> b.Bound:
        if isinstance(operand, b.Constant) and operand.type is not None:
            return coerce_list([operand], target)[0]
        return self._convert(operand, target)

    # -- constructors ----------------------------------------------------------------------

    def _CreateArray(self, n: e.CreateArray) -> b.Bound:
        if not n.items:
            raise AnalysisError(
                "Array constructor cannot be empty. Please supply at least one element "
                "(see https://github.com/confluentinc/ksql/issues/4239)."
            )
        items = [self.bind(i) for i in n.items]
        element = common_type(items)
        if element is None:
            raise AnalysisError(
                "Cannot construct an array with all NULL elements "
                "(see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you "
                "may cast a NULL value to the desired type."
            )
        return b.CreateArray(ArrayType(element), self.text(n), tuple(coerce_list(items, element)))

    def _CreateMap(self, n: e.CreateMap) -> b.Bound:
        if not n.entries:
            raise AnalysisError(
                "Map constructor cannot be empty. Please supply at least one key value pair "
                "(see https://github.com/confluentinc/ksql/issues/4239)."
            )
        keys = [self.bind(k) for k, _ in n.entries]
        values = [self.bind(v) for _, v in n.entries]
        key_type = common_type(keys)
        if key_type is None:
            raise AnalysisError(
                "Cannot construct a map with all NULL keys "
                "(see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you "
                "may cast a NULL key to the desired type."
            )
        value_type = common_type(values)
        if value_type is None:
            raise AnalysisError(
                "Cannot construct a map with all NULL values "
                "(see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you "
                "may cast a NULL value to the desired type."
            )
        entries = tuple(
            zip(coerce_list(keys, key_type), coerce_list(values, value_type), strict=True)
        )
        return b.CreateMap(MapType(key_type, value_type), self.text(n), entries)

    def _CreateStruct(self, n: e.CreateStruct) -> b.Bound:
        names = [f.name for f in n.fields]
        if len(set(names)) != len(names):
            raise AnalysisError("Duplicate field names found in STRUCT: " + ", ".join(names))
        values = [(f.name, self.bind(f.value)) for f in n.fields]
        struct = StructType(tuple(StructField(name, v.type or STRING) for name, v in values))
        return b.CreateStruct(struct, self.text(n), tuple(values))

    # -- calls -----------------------------------------------------------------------------

    def _FunctionCall(self, n: e.FunctionCall) -> b.Bound:
        kind = self.functions.kind(n.name)
        if kind is FunctionKind.AGGREGATE:
            if self.on_aggregate is None:
                raise AnalysisError(f"Aggregate functions can not be used here: {self.text(n)}")
            return self.on_aggregate(n)
        if kind is FunctionKind.TABLE:
            raise AnalysisError(
                f"Table functions can only be used in the SELECT clause: {self.text(n)}"
            )
        if kind is None:
            raise UnknownFunctionError(f"Can't find any functions with the name '{n.name}'", n.name)
        args, types = self.bind_arguments(n)
        resolution = self.functions.resolve_scalar(n.name, types)
        return b.Call(
            resolution.return_type,
            self.text(n),
            n.name,
            resolution.function,
            self.convert_arguments(args, resolution.param_types),
        )

    def bind_arguments(self, n: e.FunctionCall) -> tuple[list[b.Bound], list[ArgType]]:
        """Bind a call's arguments; lambdas get their parameter types from the library."""
        args: list[b.Bound | None] = [None] * len(n.args)
        types: list[ArgType] = [None] * len(n.args)
        for i, arg in enumerate(n.args):
            if isinstance(arg, e.Lambda):
                types[i] = PendingLambda(len(arg.params))
            else:
                bound = self.bind(arg)
                args[i], types[i] = bound, bound.type
                if isinstance(arg, e.IntervalUnit):
                    types[i] = INTERVAL_UNIT
        for i, arg in enumerate(n.args):
            if isinstance(arg, e.Lambda):
                params = self.functions.lambda_parameters(n.name, types, i)
                saved = dict(self._lambdas)
                self._lambdas.update(zip(arg.params, params, strict=False))
                body = self.bind(arg.body)
                self._lambdas = saved
                types[i] = LambdaType(tuple(params), body.type)
                args[i] = b.LambdaFunction(body.type, self.text(arg), arg.params, body)
        return [a for a in args if a is not None], types

    def convert_arguments(
        self, args: list[b.Bound], params: tuple[SqlType | None, ...]
    ) -> tuple[b.Bound, ...]:
        """Arguments with implicit casts to the resolved parameter types."""
        out: list[b.Bound] = []
        for i, arg in enumerate(args):
            target = params[i] if i < len(params) else None
            if (
                target is None
                or arg.type is None
                or arg.type == target
                or isinstance(arg, b.LambdaFunction)
            ):
                out.append(arg)
            elif isinstance(arg, b.Constant):
                out.append(coerce_list([arg], target)[0])
            else:
                out.append(b.Cast(target, arg.text, arg))
        return tuple(out)

    def _Lambda(self, n: e.Lambda) -> b.Bound:
        raise AnalysisError(f"Lambda expressions can only be function arguments: {self.text(n)}")


def _base_name(t: SqlType | None) -> str:
    return "null" if t is None else t.base.value
