"""Resolved calls: what the analyzer and the expression compiler get back from the registry.

Resolution happens once per call site when a query starts; everything a record needs is
precomputed here, so the compiled expression calls plain Python functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import SqlType

if TYPE_CHECKING:
    from ksqlmv.engine.functions.aggregate.base import Aggregate
    from ksqlmv.engine.functions.signature import AggregateVariant, Variant

__all__ = ["AggregateCall", "Converter", "ScalarCall", "TableCall", "apply_conversions"]

Converter = Callable[[Any], Any]
"""Turns one argument value into the type the function takes (an implicit cast); NULL-safe."""


def apply_conversions(
    function: Callable[..., Any], conversions: tuple[Converter | None, ...]
) -> Callable[..., Any]:
    """`function` with each argument passed through its conversion first (None: as is)."""
    if not any(conversions):
        return function
    steps = conversions

    def converted(*args: Any) -> Any:
        return function(*[v if c is None else c(v) for v, c in zip(args, steps, strict=True)])

    return converted


@dataclass(frozen=True, slots=True)
class ScalarCall:
    """A resolved scalar function call.

    Call `function(*values)` with one value per argument, each first passed through its entry in
    `conversions` when that is not None (ksqlDB's implicit casts: an INT argument for a DOUBLE
    parameter, a STRING for a TIMESTAMP). Lambdas are passed as Python callables. The function
    raises `FunctionError` (or, where ksqlDB's Java would throw, another exception) on bad
    values; the caller turns that into NULL and a processing-log entry.
    """

    name: str
    return_type: SqlType
    function: Callable[..., Any]
    conversions: tuple[Converter | None, ...]
    argument_types: tuple[ArgType, ...]
    variant: Variant

    def bound(self) -> Callable[..., Any]:
        """`function` with the conversions folded in: one callable taking the raw values."""
        return apply_conversions(self.function, self.conversions)


@dataclass(frozen=True, slots=True)
class TableCall:
    """A resolved table function call: `function(*values)` returns the list of output values.

    Each element of the list is one output row's value for this column, of type `return_type`.
    """

    name: str
    return_type: SqlType
    function: Callable[..., list[Any]]
    conversions: tuple[Converter | None, ...]
    argument_types: tuple[ArgType, ...]
    variant: Variant

    def bound(self) -> Callable[..., list[Any]]:
        """`function` with the conversions folded in."""
        return apply_conversions(self.function, self.conversions)


@dataclass(frozen=True, slots=True)
class AggregateCall:
    """A resolved aggregate call, waiting for its literal arguments.

    The last `literal_count` arguments of the call must be literals (TOPK's `k`, the `N` and
    `ignoreNulls` of LATEST_BY_OFFSET); the others are columns. `create(literals, config)`
    builds the `Aggregate` that the aggregation operator runs.
    """

    name: str
    argument_types: tuple[ArgType, ...]
    literal_count: int
    variant: AggregateVariant

    @property
    def column_types(self) -> tuple[ArgType, ...]:
        """The types of the column arguments."""
        return self.argument_types[: len(self.argument_types) - self.literal_count]

    def create(
        self, literals: tuple[Any, ...] = (), config: Mapping[str, Any] | None = None
    ) -> Aggregate:
        """The aggregate for this call site, given the literal values and the query's config.

        `config` holds the query's properties (for `ksql.functions.collect_list.limit` and the
        like).
        """
        if len(literals) != self.literal_count:
            raise ValueError(f"{self.name} takes {self.literal_count} literal argument(s)")
        return self.variant.create(self.column_types, tuple(literals), config or {})

    def literal_error(self, position: int, expression: str) -> AnalysisError:
        """ksqlDB's error for a non-literal where a literal belongs (`position` is 1-based)."""
        return AnalysisError(
            f"Parameter {position} passed to function {self.name.upper()} must be a literal "
            f"constant, but was expression: '{expression}'"
        )
