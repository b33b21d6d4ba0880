"""Parameter types of function signatures: SQL types plus generics, ANY, lambdas and time units.

A signature's parameter is looser than a value's `SqlType`: `DECIMAL` stands for every precision
and scale, `T` for any type (bound consistently across the call), `ANY` for anything, an empty
`STRUCT<>` for every struct, `LAMBDA (T) => R` for a lambda argument and `INTERVAL UNIT` for a
time-unit keyword (`TIMESTAMPADD(DAYS, 1, ts)`).

`str()` prints ksqlDB's own spelling of each parameter type (`INT`, `VARCHAR`, `ARRAY<T>`), which is
what resolution errors and DESCRIBE FUNCTION show; `java_hash()` is the Java `hashCode` of the same
type, which decides the order those listings appear in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.engine.functions._java import int32, string_hash
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "ANY",
    "BIGINT",
    "BOOLEAN",
    "BYTES",
    "DATE",
    "DECIMAL",
    "DOUBLE",
    "INT",
    "INTERVAL_UNIT",
    "STRING",
    "TIME",
    "TIMESTAMP",
    "AnyParam",
    "ArrayParam",
    "DecimalParam",
    "GenericParam",
    "IntervalUnitParam",
    "LambdaParam",
    "MapParam",
    "ParamType",
    "PrimitiveParam",
    "StructParam",
    "array",
    "generic",
    "generics_in",
    "has_generics",
    "lam",
    "list_hash",
    "map_of",
    "param_of",
    "struct_of",
]


class ParamType:
    """Base of every parameter type; subclasses are frozen dataclasses."""

    __slots__ = ()

    def java_hash(self) -> int:
        """The Java `hashCode` of ksqlDB's equivalent `ParamType`."""
        raise NotImplementedError


# ksqlDB's ParamType spelling and hashCode for each primitive.
_PRIMITIVE_TEXT = {
    BaseType.BOOLEAN: ("BOOLEAN", 1),
    BaseType.INTEGER: ("INT", 4),
    BaseType.BIGINT: ("BIGINT", 5),
    BaseType.DOUBLE: ("DOUBLE", 3),
    BaseType.STRING: ("VARCHAR", 6),
    BaseType.BYTES: ("BYTES", 10),
    BaseType.TIMESTAMP: ("TIMESTAMP", 7),
    BaseType.DATE: ("DATE", 9),
    BaseType.TIME: ("TIME", 8),
}


@dataclass(frozen=True, slots=True)
class PrimitiveParam(ParamType):
    """Exactly one primitive SQL type (every type but DECIMAL, ARRAY, MAP and STRUCT)."""

    kind: BaseType

    def java_hash(self) -> int:
        return _PRIMITIVE_TEXT[self.kind][1]

    def __str__(self) -> str:
        return _PRIMITIVE_TEXT[self.kind][0]


@dataclass(frozen=True, slots=True)
class DecimalParam(ParamType):
    """DECIMAL of any precision and scale."""

    def java_hash(self) -> int:
        return 2

    def __str__(self) -> str:
        return "DECIMAL"


@dataclass(frozen=True, slots=True)
class AnyParam(ParamType):
    """Any value at all (`Object...` arguments of ksqlDB's UDAFs)."""

    def java_hash(self) -> int:
        return 11

    def __str__(self) -> str:
        return "ANY"


@dataclass(frozen=True, slots=True)
class IntervalUnitParam(ParamType):
    """A time-unit keyword argument: DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS."""

    def java_hash(self) -> int:
        return 8

    def __str__(self) -> str:
        return "INTERVAL UNIT"


@dataclass(frozen=True, slots=True)
class GenericParam(ParamType):
    """A type variable such as `T`: bound to the first argument type it meets in a call."""

    name: str

    def java_hash(self) -> int:
        return int32(31 + string_hash(self.name))

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ArrayParam(ParamType):
    """ARRAY<element>."""

    element: ParamType

    def java_hash(self) -> int:
        return int32(31 + self.element.java_hash())

    def __str__(self) -> str:
        return f"ARRAY<{self.element}>"


@dataclass(frozen=True, slots=True)
class MapParam(ParamType):
    """MAP<key, value>."""

    key: ParamType
    value: ParamType

    def java_hash(self) -> int:
        return int32(31 * (31 + self.key.java_hash()) + self.value.java_hash())

    def __str__(self) -> str:
        return f"MAP<{self.key}, {self.value}>"


@dataclass(frozen=True, slots=True)
class StructParam(ParamType):
    """STRUCT with the given fields; with no fields it accepts every struct."""

    fields: tuple[tuple[str, ParamType], ...] = ()

    def java_hash(self) -> int:
        # Objects.hash(ImmutableMap): 31 + the sum of (key.hashCode ^ value.hashCode)
        total = sum(string_hash(name) ^ kind.java_hash() for name, kind in self.fields)
        return int32(31 + total)

    def __str__(self) -> str:
        return "STRUCT<" + ", ".join(f"{name} {kind}" for name, kind in self.fields) + ">"


@dataclass(frozen=True, slots=True)
class LambdaParam(ParamType):
    """A lambda argument taking `inputs` and returning `returns`."""

    inputs: tuple[ParamType, ...]
    returns: ParamType

    def java_hash(self) -> int:
        return int32(31 * (31 + list_hash(self.inputs)) + self.returns.java_hash())

    def __str__(self) -> str:
        return "LAMBDA (" + ", ".join(map(str, self.inputs)) + f") => {self.returns}"


def list_hash(items: tuple[ParamType, ...] | list[ParamType]) -> int:
    """Java's `List.hashCode` of parameter types."""
    h = 1
    for item in items:
        h = int32(31 * h + item.java_hash())
    return h


BOOLEAN = PrimitiveParam(BaseType.BOOLEAN)
INT = PrimitiveParam(BaseType.INTEGER)
BIGINT = PrimitiveParam(BaseType.BIGINT)
DOUBLE = PrimitiveParam(BaseType.DOUBLE)
STRING = PrimitiveParam(BaseType.STRING)
BYTES = PrimitiveParam(BaseType.BYTES)
TIMESTAMP = PrimitiveParam(BaseType.TIMESTAMP)
DATE = PrimitiveParam(BaseType.DATE)
TIME = PrimitiveParam(BaseType.TIME)
DECIMAL = DecimalParam()
ANY = AnyParam()
INTERVAL_UNIT = IntervalUnitParam()


def generic(name: str) -> GenericParam:
    """The type variable `name`."""
    return GenericParam(name)


def array(element: ParamType) -> ArrayParam:
    """ARRAY<element>."""
    return ArrayParam(element)


def map_of(key: ParamType, value: ParamType) -> MapParam:
    """MAP<key, value>."""
    return MapParam(key, value)


def struct_of(*fields: tuple[str, ParamType]) -> StructParam:
    """STRUCT<name type, ...>."""
    return StructParam(tuple(fields))


def lam(*inputs: ParamType, returns: ParamType) -> LambdaParam:
    """LAMBDA (inputs) => returns."""
    return LambdaParam(tuple(inputs), returns)


def generics_in(param: ParamType) -> frozenset[GenericParam]:
    """Every type variable `param` mentions, at any depth."""
    if isinstance(param, GenericParam):
        return frozenset({param})
    if isinstance(param, ArrayParam):
        return generics_in(param.element)
    if isinstance(param, MapParam):
        return generics_in(param.key) | generics_in(param.value)
    if isinstance(param, StructParam):
        return frozenset().union(*(generics_in(kind) for _, kind in param.fields))
    if isinstance(param, LambdaParam):
        found = generics_in(param.returns)
        for item in param.inputs:
            found |= generics_in(item)
        return found
    return frozenset()


def has_generics(param: ParamType) -> bool:
    """True when `param` mentions a type variable."""
    return bool(generics_in(param))


def param_of(sql_type: SqlType) -> ParamType:
    """The parameter type that describes values of `sql_type` (its precision and fields aside)."""
    if isinstance(sql_type, t.PrimitiveType):
        return PrimitiveParam(sql_type.kind)
    if isinstance(sql_type, t.DecimalType):
        return DECIMAL
    if isinstance(sql_type, t.ArrayType):
        return ArrayParam(param_of(sql_type.element))
    if isinstance(sql_type, t.MapType):
        return MapParam(param_of(sql_type.key), param_of(sql_type.value))
    if isinstance(sql_type, t.StructType):
        return StructParam(tuple((f.name, param_of(f.type)) for f in sql_type.fields))
    raise TypeError(f"no parameter type for {sql_type!r}")
