"""The expression compiler: bound expressions → Python source, compiled once per query.

`CodeBuilder` collects everything generated code refers to (helpers, resolved functions, casts,
constants) into one namespace and compiles functions from source text. `ExpressionCompiler`
renders a bound expression as a Python expression over named column accessors (`row[3]`, `ts`,
`key[0]`, ...), so the planner can fuse a chain of filters and projections into one function.

Errors follow ksqlDB: an error inside an expression makes that expression NULL and is reported
(the caller wraps each top-level expression); a call or a cast nested as a function argument
turns only its own error into NULL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.codegen.casts import cast_function
from ksqlmv.engine.codegen.runtime import HELPERS, like_regex
from ksqlmv.sql.types import BaseType, DecimalType, SqlType

__all__ = ["CodeBuilder", "ErrorSink", "ExpressionCompiler", "may_raise"]

ErrorSink = Callable[[str, BaseException], None]

_COMPARE = {
    "=": "_eq",
    "<>": "_ne",
    "<": "_lt",
    "<=": "_le",
    ">": "_gt",
    ">=": "_ge",
    "IS_DISTINCT": "_distinct",
    "IS_NOT_DISTINCT": "_not_distinct",
}
_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]")


class CodeBuilder:
    """A namespace for generated code, and the compiler of its functions."""

    def __init__(self, on_error: ErrorSink | None = None) -> None:
        self.namespace: dict[str, Any] = dict(HELPERS)
        self.namespace["_report"] = on_error or (lambda context, error: None)
        self._ids: dict[int, str] = {}
        self._count = 0

    def ref(self, value: Any, hint: str = "c") -> str:
        """A name under which generated code can read `value`."""
        key = id(value)
        name = self._ids.get(key)
        if name is not None and self.namespace.get(name) is value:
            return name
        self._count += 1
        name = f"_{_IDENTIFIER.sub('_', hint)[:24]}_{self._count}"
        self.namespace[name] = value
        self._ids[key] = name
        return name

    def function(self, source: str, name: str) -> Callable[..., Any]:
        """Compile `source` (which defines `name`) in this namespace and return the function."""
        code = compile(source, f"<ksqlmv:{name}>", "exec")
        exec(code, self.namespace)  # noqa: S102 - source generated from bound expressions
        fn: Callable[..., Any] = self.namespace[name]
        return fn


def may_raise(node: b.Bound) -> bool:
    """False when evaluating `node` cannot raise (so generated code needs no try block)."""
    if isinstance(node, b.ColumnValue | b.Constant | b.LambdaValue):
        return False
    if isinstance(node, b.IsNull):
        return may_raise(node.operand)
    if isinstance(node, b.Dereference):
        return may_raise(node.base)
    if isinstance(node, b.Comparison):
        return may_raise(node.left) or may_raise(node.right)
    if isinstance(node, b.CreateStruct):
        return any(may_raise(v) for _, v in node.fields)
    return True


class ExpressionCompiler:
    """Renders bound expressions as Python expressions over the given column accessors."""

    def __init__(self, builder: CodeBuilder, accessors: Mapping[str, str]) -> None:
        self.builder = builder
        self.accessors = accessors
        self.nested = 0
        """How many function calls or constructors enclose the node being compiled: a call
        inside one fails to NULL there (and is logged) instead of failing the whole expression,
        ksqlDB's nested error handling."""

    def expr(self, node: b.Bound) -> str:
        """Python source for `node`."""
        method: Callable[[Any], str] = getattr(self, "_" + type(node).__name__)
        return method(node)

    def _join(self, nodes: Iterable[b.Bound]) -> str:
        return ", ".join(self.expr(n) for n in nodes)

    def _Constant(self, n: b.Constant) -> str:
        value = n.value
        if value is None or isinstance(value, bool | int | str):
            return repr(value)
        if isinstance(value, float) and math.isfinite(value):
            return repr(value)
        return self.builder.ref(value, "const")

    def _ColumnValue(self, n: b.ColumnValue) -> str:
        return self.accessors[n.name]

    def _LambdaValue(self, n: b.LambdaValue) -> str:
        return _lambda_name(n.name)

    def _Arithmetic(self, n: b.Arithmetic) -> str:
        left, right = self.expr(n.left), self.expr(n.right)
        t = n.type
        assert t is not None
        if t.base is BaseType.STRING:
            return f"_sconcat({left}, {right})"
        if isinstance(t, DecimalType):
            return f"_decop({n.op!r}, {left}, {right}, {t.precision}, {t.scale})"
        if t.base is BaseType.DOUBLE:
            if n.op == "/":
                return f"_ddiv({left}, {right})"
            if n.op == "%":
                return f"_dmod({left}, {right})"
            return f"({left} {n.op} {right})"
        bits = "32" if t.base is BaseType.INTEGER else "64"
        if n.op == "/":
            return f"_idiv{bits}({left}, {right})"
        if n.op == "%":
            return f"_imod({left}, {right})"
        return f"_w{bits}({left} {n.op} {right})"

    def _Negate(self, n: b.Negate) -> str:
        operand = self.expr(n.operand)
        t = n.type
        assert t is not None
        if t.base is BaseType.INTEGER:
            return f"_w32(-{operand})"
        if t.base is BaseType.BIGINT:
            return f"_w64(-{operand})"
        return f"(-{operand})"

    def _Comparison(self, n: b.Comparison) -> str:
        return f"{_COMPARE[n.op]}({self.expr(n.left)}, {self.expr(n.right)})"

    def _Logical(self, n: b.Logical) -> str:
        word = "and" if n.op == "AND" else "or"
        return f"(_b({self.expr(n.left)}) {word} _b({self.expr(n.right)}))"

    def _Not(self, n: b.Not) -> str:
        return f"(not _b({self.expr(n.operand)}))"

    def _IsNull(self, n: b.IsNull) -> str:
        op = "is not" if n.negated else "is"
        return f"({self.expr(n.operand)} {op} None)"

    def _Between(self, n: b.Between) -> str:
        return f"_between({self.expr(n.value)}, {self.expr(n.lower)}, {self.expr(n.upper)})"

    def _InList(self, n: b.InList) -> str:
        if not n.items:
            return "False"
        return f"_in({self.expr(n.value)}, ({self._join(n.items)},))"

    def _Like(self, n: b.Like) -> str:
        value = self.expr(n.value)
        if isinstance(n.pattern, b.Constant) and isinstance(n.pattern.value, str):
            regex = self.builder.ref(like_regex(n.pattern.value, n.escape), "like")
            return f"({regex}.fullmatch({value}) is not None)"
        return f"_like({value}, {self.expr(n.pattern)}, {n.escape!r})"

    def _Case(self, n: b.Case) -> str:
        default = self.expr(n.default) if n.default is not None else "None"
        out = default
        for condition, result in reversed(n.whens):
            out = f"({self.expr(result)} if _b({self.expr(condition)}) else {out})"
        return out

    def _Cast(self, n: b.Cast) -> str:
        assert n.type is not None
        fn = cast_function(n.operand.type, n.type)
        operand = self.expr(n.operand)
        if fn is None:
            return operand
        return f"{self.builder.ref(_safe_converter(fn, n.text, self.builder), 'cast')}({operand})"

    def _Convert(self, n: b.Convert) -> str:
        fn = self.builder.ref(n.function, "convert")
        operand = self.expr(n.operand)
        return f"_conv({fn}, {operand})"

    def _Dereference(self, n: b.Dereference) -> str:
        return f"_field({self.expr(n.base)}, {n.field!r})"

    def _Subscript(self, n: b.Subscript) -> str:
        base_type = n.base.type
        assert base_type is not None
        helper = "_aget" if base_type.base is BaseType.ARRAY else "_mget"
        return f"{helper}({self.expr(n.base)}, {self.expr(n.index)})"

    def _CreateArray(self, n: b.CreateArray) -> str:
        return f"[{', '.join(self._inside(item) for item in n.items)}]"

    def _CreateMap(self, n: b.CreateMap) -> str:
        entries = ", ".join(f"{self._inside(k)}: {self._inside(v)}" for k, v in n.entries)
        return "{" + entries + "}"

    def _CreateStruct(self, n: b.CreateStruct) -> str:
        entries = ", ".join(f"{name!r}: {self._inside(v)}" for name, v in n.fields)
        return "{" + entries + "}"

    def _inside(self, node: b.Bound) -> str:
        """`node` compiled as an argument or element: the calls in it are nested calls."""
        self.nested += 1
        try:
            return self.expr(node)
        finally:
            self.nested -= 1

    def _LambdaFunction(self, n: b.LambdaFunction) -> str:
        params = ", ".join(_lambda_name(p) for p in n.params)
        return f"(lambda {params}: {self.expr(n.body)})"

    def _Call(self, n: b.Call) -> str:
        if self.nested:
            fn = self.builder.ref(_safe_function(n.function, n.text, self.builder), "safe")
        else:
            fn = self.builder.ref(n.function, n.name.lower())
        args = [self._inside(arg) for arg in n.args]
        return f"{fn}({', '.join(args)})"


def _lambda_name(name: str) -> str:
    return "_l_" + _IDENTIFIER.sub("_", name)


def _safe_converter(
    fn: Callable[[Any], Any], text: str, builder: CodeBuilder
) -> Callable[[Any], Any]:
    report = builder.namespace["_report"]

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return fn(value)
        except Exception as error:
            report(f"Error processing {text}", error)
            return None

    return convert


def _safe_function(fn: Callable[..., Any], text: str, builder: CodeBuilder) -> Callable[..., Any]:
    report = builder.namespace["_report"]

    def call(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as error:
            report(f"Error processing {text}", error)
            return None

    return call


def _conv(fn: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else fn(value)


HELPERS["_conv"] = _conv


def type_name(t: SqlType | None) -> str:
    """A short label for a type in generated names."""
    return "null" if t is None else t.base.value.lower()
