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

from ksqlmv.sql.types import SqlType

__all__ = [
    "AggregateResolution",
    "FunctionKind",
    "FunctionLibrary",
    "LambdaType",
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


ArgType = SqlType | LambdaType | None


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
