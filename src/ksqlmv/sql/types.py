"""KSQL's SQL types, and how a value of each type looks in Python.

Every layer of the engine (functions, serde, operators, pull queries) and the REST server agree on
one Python representation per type, chosen for speed on the per-record path:

| SQL type        | Python value      | notes                                     |
|-----------------|-------------------|-------------------------------------------|
| BOOLEAN         | `bool`            |                                           |
| INTEGER, BIGINT | `int`             | range checked where ksqlDB checks it      |
| DOUBLE          | `float`           |                                           |
| DECIMAL(p, s)   | `decimal.Decimal` | exactly `s` digits after the point        |
| STRING          | `str`             |                                           |
| BYTES           | `bytes`           |                                           |
| TIMESTAMP       | `int`             | milliseconds since the epoch, UTC         |
| DATE            | `int`             | days since the epoch                      |
| TIME            | `int`             | milliseconds since midnight               |
| ARRAY<T>        | `list`            |                                           |
| MAP<K, V>       | `dict`            |                                           |
| STRUCT<...>     | `dict[str, Any]`  | every field present, in declaration order |

SQL NULL is `None` at every level. Types are immutable values: compare them with `==` and use them
as dictionary keys. `str(type)` prints ksqlDB's canonical form, as in REST `columnTypes` and
`/query` header schemas: `INTEGER`, `DECIMAL(4, 2)`, `ARRAY<STRING>`, `MAP<STRING, BIGINT>`,
``STRUCT<`A` STRING, `B` INTEGER>``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "BIGINT",
    "BOOLEAN",
    "BYTES",
    "DATE",
    "DOUBLE",
    "INTEGER",
    "PRIMITIVE_TYPES",
    "STRING",
    "TIME",
    "TIMESTAMP",
    "ArrayType",
    "BaseType",
    "DecimalType",
    "MapType",
    "PrimitiveType",
    "SqlType",
    "StructField",
    "StructType",
]


class BaseType(enum.Enum):
    """The kind of a type, without its parameters."""

    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    BIGINT = "BIGINT"
    DOUBLE = "DOUBLE"
    DECIMAL = "DECIMAL"
    STRING = "STRING"
    BYTES = "BYTES"
    TIMESTAMP = "TIMESTAMP"
    DATE = "DATE"
    TIME = "TIME"
    ARRAY = "ARRAY"
    MAP = "MAP"
    STRUCT = "STRUCT"


class SqlType:
    """Base of every SQL type. Subclasses are frozen dataclasses."""

    __slots__ = ()

    @property
    def base(self) -> BaseType:
        """The kind of this type."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class PrimitiveType(SqlType):
    """A type without parameters: BOOLEAN, INTEGER, BIGINT, DOUBLE, STRING, BYTES and the times."""

    kind: BaseType

    def __post_init__(self) -> None:
        if self.kind in _PARAMETRIZED:
            raise ValueError(f"{self.kind.value} takes parameters; use its own type class")

    @property
    def base(self) -> BaseType:
        return self.kind

    def __str__(self) -> str:
        return self.kind.value


@dataclass(frozen=True, slots=True)
class DecimalType(SqlType):
    """DECIMAL(precision, scale): `precision` digits in all, `scale` of them after the point."""

    precision: int
    scale: int

    @property
    def base(self) -> BaseType:
        return BaseType.DECIMAL

    def __str__(self) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


@dataclass(frozen=True, slots=True)
class ArrayType(SqlType):
    """ARRAY<element>."""

    element: SqlType

    @property
    def base(self) -> BaseType:
        return BaseType.ARRAY

    def __str__(self) -> str:
        return f"ARRAY<{self.element}>"


@dataclass(frozen=True, slots=True)
class MapType(SqlType):
    """MAP<key, value>."""

    key: SqlType
    value: SqlType

    @property
    def base(self) -> BaseType:
        return BaseType.MAP

    def __str__(self) -> str:
        return f"MAP<{self.key}, {self.value}>"


@dataclass(frozen=True, slots=True)
class StructField:
    """One named field of a STRUCT."""

    name: str
    type: SqlType

    def __str__(self) -> str:
        escaped = self.name.replace("`", "``")
        return f"`{escaped}` {self.type}"


@dataclass(frozen=True, slots=True)
class StructType(SqlType):
    """STRUCT<name type, ...>, fields in declaration order."""

    fields: tuple[StructField, ...]

    @property
    def base(self) -> BaseType:
        return BaseType.STRUCT

    def field(self, name: str) -> StructField | None:
        """The field called `name`, or None."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    def __str__(self) -> str:
        return "STRUCT<" + ", ".join(str(field) for field in self.fields) + ">"


_PARAMETRIZED = frozenset({BaseType.DECIMAL, BaseType.ARRAY, BaseType.MAP, BaseType.STRUCT})

BOOLEAN = PrimitiveType(BaseType.BOOLEAN)
INTEGER = PrimitiveType(BaseType.INTEGER)
BIGINT = PrimitiveType(BaseType.BIGINT)
DOUBLE = PrimitiveType(BaseType.DOUBLE)
STRING = PrimitiveType(BaseType.STRING)
BYTES = PrimitiveType(BaseType.BYTES)
TIMESTAMP = PrimitiveType(BaseType.TIMESTAMP)
DATE = PrimitiveType(BaseType.DATE)
TIME = PrimitiveType(BaseType.TIME)

PRIMITIVE_TYPES: dict[str, SqlType] = {
    "BOOLEAN": BOOLEAN,
    "INT": INTEGER,
    "INTEGER": INTEGER,
    "BIGINT": BIGINT,
    "DOUBLE": DOUBLE,
    "STRING": STRING,
    "VARCHAR": STRING,
    "BYTES": BYTES,
    "TIMESTAMP": TIMESTAMP,
    "DATE": DATE,
    "TIME": TIME,
}
"""Every primitive type name ksqlDB accepts (upper-case), with its type."""
