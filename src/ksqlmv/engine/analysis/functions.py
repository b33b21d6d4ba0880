"""What the analyzer needs from the function library, in one small interface.

`FunctionLibrary` is the seam between name resolution and `ksqlmv.engine.functions`: the
analyzer asks which kind a name is, resolves calls against argument types, and learns the
parameter types of lambda arguments. `default_library()` adapts the engine's registry to it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import SqlType

__all__ = [
    "INTERVAL_UNIT",
    "NOT_CONSTANT",
    "AggregateResolution",
    "ArgType",
    "FunctionKind",
    "FunctionLibrary",
    "IntervalUnitType",
    "LambdaType",
    "NonLiteralArgument",
    "PendingLambda",
    "ScalarResolution",
]


class FunctionKind(enum.Enum):
    """Scalar functions map a row to a value, table functions to many rows, aggregates fold."""

    SCALAR = "SCALAR"
    TABLE = "TABLE"
    AGGREGATE = "AGGREGATE"


@dataclass(frozen=True, slots=True)
class LambdaType:
    """The type of a lambda argument: its parameters' types and its body's type."""

    params: tuple[SqlType, ...]
    returns: SqlType | None

    def __str__(self) -> str:
        return f"LAMBDA<({', '.join(str(p) for p in self.params)}) => {self.returns}>"


@dataclass(frozen=True, slots=True)
class PendingLambda:
    """A lambda argument whose parameter types are not known yet: only its arity."""

    arity: int


class IntervalUnitType:
    """The "type" of a time-unit keyword argument (`TIMESTAMPADD(DAYS, 1, ts)`)."""

    def __repr__(self) -> str:
        return "INTERVAL UNIT"


INTERVAL_UNIT = IntervalUnitType()

NOT_CONSTANT: Any = type("NotConstant", (), {"__repr__": lambda self: "NOT_CONSTANT"})()
"""Stands for an aggregate argument that is not a literal."""


class NonLiteralArgument(AnalysisError):
    """An aggregate argument that must be a literal is an expression (0-based `position`)."""

    def __init__(self, function: str, position: int) -> None:
        super().__init__(
            f"Parameter {position + 1} passed to function {function} must be a literal"
        )
        self.function = function
        self.position = position


ArgType = SqlType | LambdaType | PendingLambda | IntervalUnitType | None


@dataclass(frozen=True, slots=True)
class ScalarResolution:
    """A resolved scalar or table function call.

    `param_types[i]` is the type argument `i` must be converted to before the call (None: pass
    it as it is).
    """

    return_type: SqlType
    function: Callable[..., Any]
    param_types: tuple[SqlType | None, ...]


@dataclass(frozen=True, slots=True)
class AggregateResolution:
    """A resolved aggregate: its result type and a factory of per-query aggregate instances.

    `factory(init_args)` builds an object with `initial()`, `add(acc, *values)`,
    `undo(acc, *values)` (None when the aggregate cannot undo), `merge(a, b)` and `result(acc)`.
    `value_args` is how many leading arguments are per-row values (the rest are constants).
    """

    return_type: SqlType
    intermediate_type: SqlType | None
    factory: Callable[[tuple[Any, ...]], Any]
    value_args: int
    param_types: tuple[SqlType | None, ...]
    can_undo: bool


class FunctionLibrary(Protocol):
    """Function resolution as the analyzer uses it."""

    def kind(self, name: str) -> FunctionKind | None:
        """The kind of function `name` is, or None when there is no such function."""

    def lambda_parameters(
        self, name: str, arg_types: Sequence[ArgType], index: int
    ) -> tuple[SqlType, ...]:
        """Types of the parameters of the lambda at argument `index`, given the other args."""

    def resolve_scalar(self, name: str, arg_types: Sequence[ArgType]) -> ScalarResolution:
        """Resolve a scalar call, or raise AnalysisError with ksqlDB's wording."""

    def resolve_table(self, name: str, arg_types: Sequence[ArgType]) -> ScalarResolution:
        """Resolve a table-function call (its function returns a list of values)."""

    def resolve_aggregate(
        self, name: str, arg_types: Sequence[ArgType], constants: Sequence[Any]
    ) -> AggregateResolution:
        """Resolve an aggregate call; `constants` are the literal values of trailing args."""
