"""Fixtures for the function library's tests, including a runner for ksqlDB's corpus cases.

The corpus runner reads ksqlDB's query-validation tests at run time (from ../shared/ksqldb-tests,
never copied here) and checks the function library against the ones it can evaluate on its own:
a stream projected by function calls (`SELECT K, ROUND(ACOS(i), 13) AS i FROM INPUT`) and a
stream grouped by columns into aggregates (`SELECT ID, COUNT_DISTINCT(name) FROM test GROUP BY
ID`). Statements parse with ksqlmv's own parser; expressions evaluate with a small interpreter
that knows literals, columns, calls, lambdas and the plain operators lambdas use. Anything else
(CAST, WHERE, windows, tables, other formats) is skipped, with the reason.
"""

from __future__ import annotations

import base64
import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.engine.functions import (
    INTERVAL_UNIT_ARG,
    FunctionRegistry,
    LambdaArg,
    builtin_registry,
)
from ksqlmv.errors import AnalysisError, KsqlmvError
from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.parser import parse
from ksqlmv.sql.types import BaseType, SqlType

_WIDE = Context(prec=100)
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "ksqldb-tests" / "query-validation-tests"


@pytest.fixture(scope="session")
def registry() -> FunctionRegistry:
    """The built-in function registry."""
    return builtin_registry()


class Unsupported(Exception):
    """The case uses something this small interpreter does not evaluate."""


@dataclass
class Outcome:
    """The result of running one corpus case."""

    status: str  # "passed", "failed" or "skipped"
    detail: str = ""


@dataclass
class Compiled:
    type: SqlType | None
    run: Callable[[dict[str, Any], dict[str, Any]], Any]


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The test cases of one corpus file, with `format` lists expanded."""
    text = path.read_text()
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    cases = []
    for case in json.loads(text, parse_float=Decimal)["tests"]:
        formats = case.get("format") or [None]
        for fmt in formats:
            copy = dict(case)
            if fmt is not None:
                copy["statements"] = [s.replace("{FORMAT}", fmt) for s in case["statements"]]
                copy["name"] = f"{case['name']} - {fmt}"
            cases.append(copy)
    return cases


def _decimal_type(value: Decimal) -> t.DecimalType:
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    scale = max(-exponent, 0)
    precision = max(len(digits), scale + 1) if abs(value) < 1 else max(len(digits), scale)
    return t.DecimalType(precision, scale)


class Interpreter:
    """Compiles expressions over one source's columns to Python callables."""

    def __init__(self, registry: FunctionRegistry, columns: dict[str, SqlType]) -> None:
        self.registry = registry
        self.columns = columns

    def compile(self, expr: ast.Expression, scope: dict[str, SqlType]) -> Compiled:
        handler = getattr(self, "_" + type(expr).__name__, None)
        if handler is None:
            raise Unsupported(type(expr).__name__)
        result: Compiled = handler(expr, scope)
        return result

    def _NullLiteral(self, expr: ast.NullLiteral, scope: dict[str, SqlType]) -> Compiled:
        return Compiled(None, lambda row, env: None)

    def _literal(self, kind: SqlType, value: Any) -> Compiled:
        return Compiled(kind, lambda row, env: value)

    def _BooleanLiteral(self, expr: ast.BooleanLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(t.BOOLEAN, expr.value)

    def _IntegerLiteral(self, expr: ast.IntegerLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(t.INTEGER, expr.value)

    def _LongLiteral(self, expr: ast.LongLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(t.BIGINT, expr.value)

    def _DoubleLiteral(self, expr: ast.DoubleLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(t.DOUBLE, expr.value)

    def _DecimalLiteral(self, expr: ast.DecimalLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(_decimal_type(expr.value), expr.value)

    def _StringLiteral(self, expr: ast.StringLiteral, scope: dict[str, SqlType]) -> Compiled:
        return self._literal(t.STRING, expr.value)

    def _ColumnRef(self, expr: ast.ColumnRef, scope: dict[str, SqlType]) -> Compiled:
        name = expr.name.upper()
        if name not in self.columns:
            raise Unsupported(f"column {name}")
        return Compiled(self.columns[name], lambda row, env: row.get(name))

    def _LambdaVariable(self, expr: ast.LambdaVariable, scope: dict[str, SqlType]) -> Compiled:
        name = expr.name
        return Compiled(scope[name], lambda row, env: env[name])

    def _Dereference(self, expr: ast.Dereference, scope: dict[str, SqlType]) -> Compiled:
        base = self.compile(expr.base, scope)
        if not isinstance(base.type, t.StructType):
            raise Unsupported("dereference of a non-struct")
        found = next((f for f in base.type.fields if f.name.upper() == expr.field.upper()), None)
        if found is None:
            raise Unsupported("unknown field")
        run, name = base.run, found.name
        return Compiled(
            found.type, lambda row, env: None if (v := run(row, env)) is None else v.get(name)
        )

    def _Subscript(self, expr: ast.Subscript, scope: dict[str, SqlType]) -> Compiled:
        base, index = self.compile(expr.base, scope), self.compile(expr.index, scope)
        brun, irun = base.run, index.run
        if isinstance(base.type, t.MapType):
            return Compiled(
                base.type.value,
                lambda row, env: None if (m := brun(row, env)) is None else m.get(irun(row, env)),
            )
        if not isinstance(base.type, t.ArrayType):
            raise Unsupported("subscript of a non-collection")

        def element(row: dict[str, Any], env: dict[str, Any]) -> Any:
            # arrays count from 1, negative indexes from the end; outside the array is NULL
            values, position = brun(row, env), irun(row, env)
            if values is None or position is None:
                return None
            actual = position - 1 if position >= 0 else len(values) + position
            return values[actual] if 0 <= actual < len(values) else None

        return Compiled(base.type.element, element)

    def _ArithmeticUnary(self, expr: ast.ArithmeticUnary, scope: dict[str, SqlType]) -> Compiled:
        inner = self.compile(expr.operand, scope)
        run = inner.run
        if expr.sign.name == "MINUS":
            return Compiled(
                inner.type, lambda row, env: None if (v := run(row, env)) is None else -v
            )
        return inner

    def _ArithmeticBinary(self, expr: ast.ArithmeticBinary, scope: dict[str, SqlType]) -> Compiled:
        left, right = self.compile(expr.left, scope), self.compile(expr.right, scope)
        ranks = {BaseType.INTEGER: 0, BaseType.BIGINT: 1, BaseType.DOUBLE: 3}
        if (
            left.type is None
            or right.type is None
            or left.type.base not in ranks
            or (right.type.base not in ranks)
        ):
            raise Unsupported("arithmetic beyond INT, BIGINT and DOUBLE")
        kind = left.type if ranks[left.type.base] >= ranks[right.type.base] else right.type
        op = expr.operator.value
        integral = kind.base is not BaseType.DOUBLE

        def apply(a: Any, b: Any) -> Any:
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                if integral:
                    quotient = abs(a) // abs(b)
                    return quotient if (a >= 0) == (b >= 0) else -quotient
                return a / b
            raise Unsupported(op)

        lrun, rrun = left.run, right.run

        def run(row: dict[str, Any], env: dict[str, Any]) -> Any:
            # Java unboxes the operands: a NULL fails the whole expression
            a, b = lrun(row, env), rrun(row, env)
            if a is None or b is None:
                raise TypeError("NULL operand")
            return apply(a, b)

        return Compiled(kind, run)

    def _Comparison(self, expr: ast.Comparison, scope: dict[str, SqlType]) -> Compiled:
        left, right = self.compile(expr.left, scope), self.compile(expr.right, scope)
        numbers = {BaseType.INTEGER, BaseType.BIGINT, BaseType.DOUBLE, BaseType.DECIMAL}
        kinds = {k.base for k in (left.type, right.type) if k is not None}
        if len(kinds) > 1 and not kinds <= numbers:
            raise Unsupported("a comparison that needs an implicit conversion")
        ops: dict[str, Callable[[Any, Any], bool]] = {
            "=": lambda a, b: a == b,
            "<>": lambda a, b: a != b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        compare = ops.get(expr.operator.value)
        if compare is None:
            raise Unsupported(expr.operator.value)
        lrun, rrun = left.run, right.run

        def run(row: dict[str, Any], env: dict[str, Any]) -> Any:
            # ksqlDB's comparisons are false, not NULL, when an operand is NULL
            a, b = lrun(row, env), rrun(row, env)
            return False if a is None or b is None else compare(a, b)

        return Compiled(t.BOOLEAN, run)

    def _CreateArray(self, expr: ast.CreateArray, scope: dict[str, SqlType]) -> Compiled:
        items = [self.compile(item, scope) for item in expr.items]
        kinds = {item.type for item in items if item.type is not None}
        if len(kinds) != 1:
            raise Unsupported("array of mixed or unknown types")
        runs = [item.run for item in items]
        return Compiled(t.ArrayType(kinds.pop()), lambda row, env: [r(row, env) for r in runs])

    def _FunctionCall(self, expr: ast.FunctionCall, scope: dict[str, SqlType]) -> Compiled:
        if self.registry.is_aggregate(expr.name) or self.registry.is_table_function(expr.name):
            raise Unsupported("aggregate or table function in a projection")
        plain: list[Compiled | None] = []
        types: list[Any] = []
        for arg in expr.args:
            if isinstance(arg, ast.Lambda):
                plain.append(None)
                types.append(LambdaArg(len(arg.params)))
            elif isinstance(arg, ast.IntervalUnit):
                plain.append(Compiled(None, _constant(arg.unit)))
                types.append(INTERVAL_UNIT_ARG)
            else:
                compiled = self.compile(arg, scope)
                plain.append(compiled)
                types.append(compiled.type)
        runs: list[Callable[[dict[str, Any], dict[str, Any]], Any]] = []
        if any(isinstance(arg, ast.Lambda) for arg in expr.args):
            inputs = self.registry.lambda_types(expr.name, types)
            for index, arg in enumerate(expr.args):
                if isinstance(arg, ast.Lambda):
                    arg_inputs = inputs[index]
                    assert arg_inputs is not None
                    inner = dict(scope)
                    inner.update(zip(arg.params, arg_inputs, strict=True))
                    body = self.compile(arg.body, inner)
                    if body.type is None:
                        raise Unsupported("lambda of unknown type")
                    types[index] = LambdaArg(len(arg.params), tuple(arg_inputs), body.type)
                    runs.append(_lambda(arg.params, body.run))
                    continue
                argument = plain[index]
                assert argument is not None
                runs.append(argument.run)
        else:
            runs = [c.run for c in plain if c is not None]
        call = self.registry.resolve(expr.name, types)
        function = call.bound()

        def run(row: dict[str, Any], env: dict[str, Any]) -> Any:
            try:
                return function(*[r(row, env) for r in runs])
            except Exception:  # ksqlDB turns any function error into NULL
                return None

        return Compiled(call.return_type, run)

    def table_call(self, expr: ast.FunctionCall, scope: dict[str, SqlType]) -> Compiled:
        """A table function call: `run` returns the list of values, one per output row."""
        args = [self.compile(arg, scope) for arg in expr.args]
        call = self.registry.resolve_table(expr.name, [arg.type for arg in args])
        function = call.bound()
        runs = [arg.run for arg in args]

        def run(row: dict[str, Any], env: dict[str, Any]) -> Any:
            try:
                return function(*[r(row, env) for r in runs])
            except Exception:  # ksqlDB logs a failing table function and emits no rows
                return []

        return Compiled(call.return_type, run)


def _constant(value: Any) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    return lambda row, env: value


def _lambda(params: tuple[str, ...], body: Callable[..., Any]) -> Callable[..., Any]:
    def outer(row: dict[str, Any], env: dict[str, Any]) -> Any:
        def function(*values: Any) -> Any:
            inner = dict(env)
            inner.update(zip(params, values, strict=True))
            return body(row, inner)

        return function

    return outer


# ------------------------------------------------------------------------------ values


def to_value(raw: Any, kind: SqlType | None) -> Any:
    """A JSON value from a test file as the engine represents a value of `kind`."""
    if raw is None or kind is None:
        return raw
    base = kind.base
    if isinstance(kind, t.DecimalType):
        return Decimal(str(raw)).quantize(Decimal(1).scaleb(-kind.scale), context=_WIDE)
    if base is BaseType.DOUBLE:
        return float(raw)
    if base is BaseType.BYTES:
        return base64.b64decode(raw)
    if isinstance(kind, t.ArrayType):
        return [to_value(item, kind.element) for item in raw]
    if isinstance(kind, t.MapType):
        return {to_value(k, kind.key): to_value(v, kind.value) for k, v in raw.items()}
    if isinstance(kind, t.StructType):
        by_name = {str(k).upper(): v for k, v in raw.items()}
        return {f.name: to_value(by_name.get(f.name.upper()), f.type) for f in kind.fields}
    if base in _INTEGRAL and not isinstance(raw, bool):
        return int(Decimal(str(raw)))
    return raw


# types whose values are whole numbers (the time types as epoch or midnight offsets)
_INTEGRAL = frozenset(
    {BaseType.INTEGER, BaseType.BIGINT, BaseType.TIMESTAMP, BaseType.DATE, BaseType.TIME}
)


class _Empty:
    """An empty DELIMITED field: NULL and the empty string print the same."""


EMPTY = _Empty()


def same(expected: Any, actual: Any, kind: SqlType | None, exact: bool = True) -> bool:
    """True when `actual` is what the corpus expects for a value of `kind`.

    Without `exact` (the corpus's `use.exact.numeric.comparison: false`), doubles need only agree
    to six decimal places.
    """
    if expected is EMPTY:
        return actual is None or actual == ""
    if expected is None or actual is None:
        return expected is None and actual is None
    if kind is None:
        return bool(expected == actual)
    base = kind.base
    if base is BaseType.DOUBLE:
        value = float(expected)
        if value != value:
            return bool(actual != actual)
        return bool(value == actual or (not exact and abs(value - actual) < 1e-6))
    if isinstance(kind, t.DecimalType):
        return bool(Decimal(str(expected)) == actual)
    if base is BaseType.BYTES:
        return bool(base64.b64decode(expected) == actual)
    if isinstance(kind, t.ArrayType):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(same(e, a, kind.element) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(kind, t.MapType):
        return (
            isinstance(actual, dict)
            and set(map(str, expected)) == set(map(str, actual))
            and (all(same(expected[str(k)], v, kind.value) for k, v in actual.items()))
        )
    if isinstance(kind, t.StructType):
        upper = {str(k).upper(): v for k, v in expected.items()}
        return all(same(upper.get(f.name.upper()), actual.get(f.name), f.type) for f in kind.fields)
    return bool(expected == actual)


# ------------------------------------------------------------------------------ cases


@dataclass
class _Source:
    topic: str
    columns: dict[str, SqlType]
    keys: list[str]
    value_format: str


def _source(statement: ast.Statement) -> _Source:
    if not isinstance(statement, ast.CreateStream):
        raise Unsupported("the source is not a stream")
    props = {p.name.upper(): getattr(p.value, "value", None) for p in statement.properties}
    fmt = str(props.get("VALUE_FORMAT") or props.get("FORMAT") or "").upper()
    if fmt not in ("JSON", "AVRO", "DELIMITED"):
        raise Unsupported(f"value format {fmt}")
    columns = {e.name.upper(): e.type for e in statement.elements}
    columns.setdefault("ROWTIME", t.BIGINT)
    keys = [
        e.name.upper() for e in statement.elements if e.constraint is not ast.ColumnConstraint.VALUE
    ]
    return _Source(str(props.get("KAFKA_TOPIC", "")), columns, keys, fmt)


def _delimited(text: str, names: list[str]) -> dict[str, Any]:
    fields = next(csv.reader([text]))
    if len(fields) != len(names):
        raise Unsupported("a delimited value with another number of fields")
    return {
        name: (None if field == "" else field) for name, field in zip(names, fields, strict=True)
    }


def _text_value(raw: Any, kind: SqlType | None) -> Any:
    """A DELIMITED field as the value of `kind`."""
    if raw is None or kind is None or not isinstance(raw, str):
        return raw
    base = kind.base
    if base in (
        BaseType.INTEGER,
        BaseType.BIGINT,
        BaseType.TIMESTAMP,
        BaseType.DATE,
        BaseType.TIME,
    ):
        return int(raw)
    if base is BaseType.DOUBLE:
        return float(raw)
    if base is BaseType.BOOLEAN:
        return raw.lower() == "true"
    if isinstance(kind, t.DecimalType):
        return Decimal(raw)
    return raw


def _row(source: _Source, record: dict[str, Any]) -> dict[str, Any]:
    value = record.get("value")
    names = [name for name in source.columns if name not in source.keys and name != "ROWTIME"]
    if source.value_format == "DELIMITED" and isinstance(value, str):
        value = {k: _text_value(v, source.columns[k]) for k, v in _delimited(value, names).items()}
    if not isinstance(value, dict):
        raise Unsupported("a value that is not a JSON object")
    by_name = {str(k).upper(): v for k, v in value.items()}
    row = {
        name: to_value(by_name.get(name), kind)
        for name, kind in source.columns.items()
        if name not in source.keys and name != "ROWTIME"
    }
    if len(source.keys) == 1:
        row[source.keys[0]] = to_value(record.get("key"), source.columns[source.keys[0]])
    row["ROWTIME"] = record.get("timestamp", 0)
    return row


def _passes(where: Callable[[dict[str, Any], dict[str, Any]], Any], row: dict[str, Any]) -> bool:
    """Whether WHERE keeps a row: only TRUE does; a failing condition drops the row."""
    try:
        return where(row, {}) is True
    except Exception:
        return False


@dataclass
class CorpusRunner:
    """Runs the corpus cases the function library can evaluate on its own."""

    registry: FunctionRegistry
    counts: dict[str, int] = field(default_factory=dict)

    def run(self, case: dict[str, Any]) -> Outcome:
        try:
            return self._run(case)
        except Unsupported as reason:
            return Outcome("skipped", str(reason))

    def _run(self, case: dict[str, Any]) -> Outcome:
        expected_error = case.get("expectedException")
        try:
            statements = [s for text in case["statements"] for s in parse(text)]
        except KsqlmvError as error:
            raise Unsupported(f"does not parse here: {error}") from None
        if len(statements) != 2:
            raise Unsupported("more than one query")
        source = _source(statements[0])
        query_stmt = statements[1]
        if not isinstance(query_stmt, ast.CreateAsSelect):
            raise Unsupported("not a CREATE ... AS SELECT")
        query = query_stmt.query
        if query.window is not None or query.having is not None:
            raise Unsupported("WINDOW or HAVING")
        if query.where is not None and query.group_by:
            raise Unsupported("WHERE with GROUP BY")
        if query.partition_by is not None:
            raise Unsupported("PARTITION BY")
        try:
            if query.group_by:
                check = self._aggregation(case, source, query, query_stmt.name)
            else:
                check = self._projection(case, source, query, query_stmt.name)
        except AnalysisError as error:
            if expected_error and expected_error.get("message", "") in str(error):
                return Outcome("passed")
            if expected_error:
                return Outcome("failed", f"expected {expected_error['message']!r}, got {error}")
            if "Can't find any functions with the name" in str(error):
                raise Unsupported(f"a test-only function: {error}") from None
            return Outcome("failed", f"unexpected error: {error}")
        if expected_error:
            raise Unsupported("the expected error is not the function library's")
        return check()

    def _outputs(
        self,
        case: dict[str, Any],
        name: str,
        aliases: list[str] | None = None,
        types: list[SqlType | None] | None = None,
    ) -> list[dict[str, Any]]:
        outputs = [
            dict(o)
            for o in case.get("outputs", [])
            if str(o.get("topic", name)).upper() == name.upper()
        ]
        for output in outputs:
            value = output.get("value")
            if isinstance(value, str) and aliases is not None and types is not None:
                fields = _delimited(value, aliases)
                output["value"] = {
                    k: EMPTY if v is None else _text_value(v, kind)
                    for (k, v), kind in zip(fields.items(), types, strict=True)
                }
            elif not isinstance(value, dict):
                raise Unsupported("an output that is not a JSON object")
        return outputs

    def _projection(
        self, case: dict[str, Any], source: _Source, query: ast.Query, sink: str
    ) -> Callable[[], Outcome]:
        interpreter = Interpreter(self.registry, source.columns)
        items: list[tuple[str, Compiled]] = []
        tables: set[int] = set()  # positions of table function calls
        generated = 0
        for item in query.select:
            if not isinstance(item, ast.SingleColumn):
                raise Unsupported("SELECT *")
            expr = item.expression
            if isinstance(expr, ast.ColumnRef) and expr.name.upper() in source.keys:
                continue
            if item.alias is not None:
                alias = item.alias
            elif isinstance(expr, ast.ColumnRef):
                alias = expr.name
            else:
                alias = f"KSQL_COL_{generated}"
                generated += 1
            if isinstance(expr, ast.FunctionCall) and self.registry.is_table_function(expr.name):
                tables.add(len(items))
                items.append((alias.upper(), interpreter.table_call(expr, {})))
            else:
                items.append((alias.upper(), interpreter.compile(expr, {})))
        inputs = [i for i in case.get("inputs", []) if i.get("topic") == source.topic]
        exact = case.get("properties", {}).get("use.exact.numeric.comparison", True) is not False
        where = None if query.where is None else interpreter.compile(query.where, {}).run

        aliases = [alias for alias, _ in items]
        types = [compiled.type for _, compiled in items]

        def check() -> Outcome:
            outputs = self._outputs(case, sink, aliases, types)
            kept = [_row(source, record) for record in inputs]
            if where is not None:
                kept = [row for row in kept if _passes(where, row)]
            if not tables and len(outputs) != len(kept):
                raise Unsupported("outputs do not follow inputs one to one")
            rows = [row for values in kept for row in self._expand(values, items, tables)]
            if len(rows) != len(outputs):
                return Outcome("failed", f"expected {len(outputs)} rows, got {len(rows)}")
            for number, (actual_row, output) in enumerate(zip(rows, outputs, strict=True)):
                expected = {str(k).upper(): v for k, v in output["value"].items()}
                for (alias, compiled), actual in zip(items, actual_row, strict=True):
                    if not same(expected.get(alias), actual, compiled.type, exact):
                        return Outcome(
                            "failed",
                            f"output {number} {alias}: expected "
                            f"{expected.get(alias)!r}, got {actual!r}",
                        )
            return Outcome("passed")

        return check

    @staticmethod
    def _expand(
        row: dict[str, Any], items: list[tuple[str, Compiled]], tables: set[int]
    ) -> list[list[Any]]:
        """The output rows of one input: table functions zip, the shorter ones padded with NULL."""
        values = [compiled.run(row, {}) for _, compiled in items]
        if not tables:
            return [values]
        count = max(len(values[i]) for i in tables)
        return [
            [(v[n] if n < len(v) else None) if i in tables else v for i, v in enumerate(values)]
            for n in range(count)
        ]

    def _aggregation(
        self, case: dict[str, Any], source: _Source, query: ast.Query, sink: str
    ) -> Callable[[], Outcome]:
        assert query.group_by is not None
        interpreter = Interpreter(self.registry, source.columns)
        group = []
        for expr in query.group_by:
            if not isinstance(expr, ast.ColumnRef):
                raise Unsupported("GROUP BY an expression")
            group.append(interpreter.compile(expr, {}).run)
        config = {str(k): v for k, v in case.get("properties", {}).items()}
        aggregates: list[tuple[str, Any, list[Callable[..., Any]]]] = []
        generated = 0
        for item in query.select:
            if not isinstance(item, ast.SingleColumn):
                raise Unsupported("SELECT *")
            expr = item.expression
            if isinstance(expr, ast.ColumnRef):
                continue
            if not isinstance(expr, ast.FunctionCall) or not self.registry.is_aggregate(expr.name):
                raise Unsupported("a projection around an aggregate")
            alias = item.alias or f"KSQL_COL_{generated}"
            if item.alias is None:
                generated += 1
            args = list(expr.args) or [ast.ColumnRef("ROWTIME")]
            interpreter.columns.setdefault("ROWTIME", t.BIGINT)
            compiled = [interpreter.compile(arg, {}) for arg in args]
            call = self.registry.resolve_aggregate(expr.name, [c.type for c in compiled])
            literal_count = call.literal_count
            literals = []
            for arg in args[len(args) - literal_count :]:
                if not isinstance(arg, ast.Literal):
                    raise call.literal_error(args.index(arg) + 1, str(arg))
                literals.append(getattr(arg, "value", None))
            aggregate = call.create(tuple(literals), config)
            columns = [c.run for c in compiled[: len(compiled) - literal_count]]
            aggregates.append((alias.upper(), aggregate, columns))
        inputs = [i for i in case.get("inputs", []) if i.get("topic") == source.topic]

        def check() -> Outcome:
            outputs = self._outputs(case, sink)
            states: dict[tuple[Any, ...], list[Any]] = {}
            produced = []
            for record in inputs:
                row = _row(source, record)
                key = tuple(g(row, {}) for g in group)
                if any(part is None for part in key):
                    continue
                accs = states.setdefault(key, [a.initial() for _, a, _ in aggregates])
                values = {}
                for index, (alias, aggregate, columns) in enumerate(aggregates):
                    args = [c(row, {}) for c in columns]
                    value = args[0] if len(args) == 1 else tuple(args)
                    accs[index] = aggregate.add(accs[index], value)
                    values[alias] = (aggregate.result(accs[index]), aggregate.return_type)
                produced.append(values)
            if len(produced) != len(outputs):
                raise Unsupported("outputs do not follow inputs one to one")
            for number, (values, output) in enumerate(zip(produced, outputs, strict=True)):
                expected = {str(k).upper(): v for k, v in output["value"].items()}
                for alias, (actual, kind) in values.items():
                    if not same(expected.get(alias), actual, kind):
                        return Outcome(
                            "failed",
                            f"record {number} {alias}: expected "
                            f"{expected.get(alias)!r}, got {actual!r}",
                        )
            return Outcome("passed")

        return check


@pytest.fixture(scope="session")
def corpus_runner(registry: FunctionRegistry) -> CorpusRunner:
    """Runs ksqlDB corpus cases against the function library."""
    return CorpusRunner(registry)


@pytest.fixture(scope="session")
def corpus_cases() -> Callable[[str], Iterator[dict[str, Any]]]:
    """The cases of one corpus file; skips the test when the corpus is not on this machine."""

    def cases(name: str) -> Iterator[dict[str, Any]]:
        path = CORPUS / name
        if not path.exists():
            pytest.skip(f"ksqlDB's corpus is not at {CORPUS}")
        yield from load_cases(path)

    return cases
