"""Short constructors the function modules use to declare their entries.

```python
ABS = scalar(
    "Abs", MATHEMATICAL, "Returns the absolute value of its argument. ...",
    overload([param("val", INT)], INT, abs_int),
    overload([param("val", DECIMAL)], DECIMAL, abs_decimal, provider=first_argument_type),
)
```
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.signature import (
    CONFLUENT,
    AggregateFactory,
    AggregateVariant,
    FunctionEntry,
    FunctionKind,
    Param,
    ReturnProvider,
    Variant,
)

__all__ = [
    "aggregate",
    "aggregate_overload",
    "overload",
    "scalar",
    "table_function",
]


def overload(
    params: Sequence[Param],
    returns: p.ParamType,
    impl: Callable[..., Any],
    description: str = "",
    *,
    provider: ReturnProvider | None = None,
    specialize: bool = False,
) -> Variant:
    """One overload of a scalar or table function (see `Variant`)."""
    return Variant(tuple(params), returns, impl, description, provider, specialize)


def aggregate_overload(
    params: Sequence[Param],
    returns: p.ParamType,
    create: AggregateFactory,
    description: str = "",
    *,
    literals: int = 0,
    table: bool = False,
) -> AggregateVariant:
    """One overload of an aggregate; the last `literals` parameters take literal values.

    `table` marks an aggregate ksqlDB can also apply to a TABLE (one that can undo a value).
    """
    return AggregateVariant(tuple(params), returns, create, literals, description, table)


def scalar(
    name: str, category: str, description: str, *variants: Variant, author: str = CONFLUENT
) -> FunctionEntry:
    """A scalar function entry."""
    return FunctionEntry(name, FunctionKind.SCALAR, category, description, variants, author)


def table_function(
    name: str, category: str, description: str, *variants: Variant, author: str = CONFLUENT
) -> FunctionEntry:
    """A table function entry: each overload's `impl` returns a list of output values."""
    return FunctionEntry(name, FunctionKind.TABLE, category, description, variants, author)


def aggregate(
    name: str, description: str, *variants: AggregateVariant, author: str = CONFLUENT
) -> FunctionEntry:
    """An aggregate function entry (ksqlDB files every aggregate under AGGREGATE)."""
    return FunctionEntry(name, FunctionKind.AGGREGATE, "AGGREGATE", description, variants, author)
