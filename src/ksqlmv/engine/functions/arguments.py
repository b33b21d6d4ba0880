"""What the analyzer knows about each argument of a call when it asks the registry to resolve it.

An argument is one of:

- a `SqlType`: an ordinary expression of that type;
- `None`: the NULL literal, which fits any parameter;
- a `LambdaArg`: a lambda, first known only by its number of parameters, later also by the
  types of its parameters and of its body;
- `INTERVAL_UNIT_ARG`: a time-unit keyword such as `DAYS` in `TIMESTAMPADD(DAYS, 1, ts)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from ksqlmv.sql import types as t
from ksqlmv.sql.types import SqlType

__all__ = [
    "INTERVAL_UNIT_ARG",
    "ArgType",
    "IntervalUnitArg",
    "LambdaArg",
    "argument_text",
    "type_text",
]


@dataclass(frozen=True, slots=True)
class LambdaArg:
    """A lambda argument: its arity, and once known, its parameter and body types."""

    arity: int
    inputs: tuple[SqlType, ...] | None = None
    returns: SqlType | None = None

    @property
    def resolved(self) -> bool:
        """True once the parameter and body types are known."""
        return self.inputs is not None and self.returns is not None


@dataclass(frozen=True, slots=True)
class IntervalUnitArg:
    """A time-unit keyword passed as an argument."""


INTERVAL_UNIT_ARG = IntervalUnitArg()

ArgType: TypeAlias = SqlType | LambdaArg | IntervalUnitArg | None


def type_text(sql_type: SqlType) -> str:
    """A SQL type as ksqlDB prints it in messages: no quotes around struct field names."""
    if isinstance(sql_type, t.ArrayType):
        return f"ARRAY<{type_text(sql_type.element)}>"
    if isinstance(sql_type, t.MapType):
        return f"MAP<{type_text(sql_type.key)}, {type_text(sql_type.value)}>"
    if isinstance(sql_type, t.StructType):
        if not sql_type.fields:
            return "STRUCT< >"
        inner = ", ".join(f"{f.name} {type_text(f.type)}" for f in sql_type.fields)
        return f"STRUCT<{inner}>"
    return str(sql_type)


def argument_text(arg: ArgType) -> str:
    """One argument as ksqlDB lists it in "does not accept parameters (...)"."""
    if arg is None:
        return "null"
    if isinstance(arg, IntervalUnitArg):
        return "INTERVAL UNIT"
    if isinstance(arg, LambdaArg):
        if arg.inputs is None or arg.returns is None:
            return "LAMBDA"
        inner = ", ".join(type_text(item) for item in arg.inputs)
        return f"LAMBDA ({inner}) => {type_text(arg.returns)}"
    return type_text(arg)
