"""The built-in function registry (`ksqlmv.engine.functions`) seen as a `FunctionLibrary`.

Translates the analyzer's argument types into the registry's (`LambdaArg`, the interval-unit
marker), folds implicit argument conversions into the resolved callables, and gives aggregates
the `add(acc, *values)` calling convention the aggregation operator uses.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.analysis.functions import (
    NOT_CONSTANT,
    AggregateResolution,
    ArgType,
    FunctionKind,
    IntervalUnitType,
    LambdaType,
    NonLiteralArgument,
    PendingLambda,
    ScalarResolution,
)
from ksqlmv.engine.functions.arguments import INTERVAL_UNIT_ARG, LambdaArg
from ksqlmv.engine.functions.builtin import builtin_registry
from ksqlmv.engine.functions.registry import FunctionRegistry
from ksqlmv.engine.functions.signature import FunctionKind as RegistryKind
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import SqlType

__all__ = ["RegistryLibrary", "configured_library", "default_library"]

_KINDS = {
    RegistryKind.SCALAR: FunctionKind.SCALAR,
    RegistryKind.TABLE: FunctionKind.TABLE,
    RegistryKind.AGGREGATE: FunctionKind.AGGREGATE,
}


def _arg(arg: ArgType) -> Any:
    if isinstance(arg, PendingLambda):
        return LambdaArg(arg.arity)
    if isinstance(arg, LambdaType):
        if arg.returns is None:
            return LambdaArg(len(arg.params))
        return LambdaArg(len(arg.params), arg.params, arg.returns)
    if isinstance(arg, IntervalUnitType):
        return INTERVAL_UNIT_ARG
    return arg


@dataclass(frozen=True, slots=True)
class _Aggregate:
    """An aggregate with positional values: `add(acc, *values)`."""

    inner: Any
    columns: int

    @property
    def intermediate_type(self) -> Any:
        """The type of the accumulator (what the aggregation's state store keeps)."""
        return getattr(self.inner, "intermediate_type", None)

    def initial(self) -> Any:
        return self.inner.initial()

    def add(self, acc: Any, *values: Any) -> Any:
        return self.inner.add(acc, values[0] if self.columns == 1 else values)

    def undo(self, acc: Any, *values: Any) -> Any:
        undo = self.inner.undo
        if undo is None:
            raise AnalysisError(f"{self.inner.name} cannot undo a value")
        return undo(acc, values[0] if self.columns == 1 else values)

    def merge(self, a: Any, b: Any) -> Any:
        return self.inner.merge(a, b)

    def result(self, acc: Any) -> Any:
        return self.inner.result(acc)

    def __repr__(self) -> str:
        return str(self.inner.name)


class RegistryLibrary:
    """`FunctionLibrary` over a `FunctionRegistry`."""

    def __init__(self, registry: FunctionRegistry, config: dict[str, Any] | None = None) -> None:
        self.registry = registry
        self.config = config or {}

    def kind(self, name: str) -> FunctionKind | None:
        """The kind of function `name`, or None."""
        found = self.registry.kind(name)
        return None if found is None else _KINDS[found]

    def lambda_parameters(
        self, name: str, arg_types: Sequence[ArgType], index: int
    ) -> tuple[SqlType, ...]:
        """Parameter types of the lambda at `index`."""
        found = self.registry.lambda_types(name, [_arg(a) for a in arg_types])
        params = found[index]
        return tuple(params or ())

    def resolve_scalar(self, name: str, arg_types: Sequence[ArgType]) -> ScalarResolution:
        """Resolve a scalar call; conversions are folded into the function."""
        call = self.registry.resolve(name, [_arg(a) for a in arg_types])
        return ScalarResolution(call.return_type, call.bound(), (None,) * len(arg_types))

    def resolve_table(self, name: str, arg_types: Sequence[ArgType]) -> ScalarResolution:
        """Resolve a table-function call."""
        call = self.registry.resolve_table(name, [_arg(a) for a in arg_types])
        return ScalarResolution(call.return_type, call.bound(), (None,) * len(arg_types))

    def resolve_aggregate(
        self, name: str, arg_types: Sequence[ArgType], constants: Sequence[Any]
    ) -> AggregateResolution:
        """Resolve an aggregate; trailing literal arguments configure it."""
        types = [a if isinstance(a, SqlType) or a is None else None for a in arg_types]
        call = self.registry.resolve_aggregate(name, types)
        columns = len(arg_types) - call.literal_count
        literals = tuple(constants[columns:])
        for offset, value in enumerate(literals):
            if value is NOT_CONSTANT:
                raise NonLiteralArgument(call.name.upper(), columns + offset)
        sample = call.create(literals, self.config)
        return_type = sample.return_type

        def factory(values: tuple[Any, ...]) -> Any:
            return _Aggregate(call.create(tuple(values), self.config), columns)

        return AggregateResolution(
            return_type=return_type,
            intermediate_type=sample.intermediate_type,
            factory=factory,
            value_args=columns,
            param_types=(None,) * columns,
            can_undo=sample.supports_undo,
        )


@functools.cache
def default_library() -> RegistryLibrary:
    """The library of ksqlDB's built-in functions."""
    return RegistryLibrary(builtin_registry())


def configured_library(config: dict[str, Any]) -> RegistryLibrary:
    """ksqlDB's built-in functions reading the `ksql.functions.*` settings of `config`
    (`ksql.functions.collect_list.limit`, ...); the registry itself is shared."""
    return RegistryLibrary(default_library().registry, config)
