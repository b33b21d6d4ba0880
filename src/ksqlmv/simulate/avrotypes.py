"""Avro field types as the generators see them, and the Python values each one takes.

`parse_type` turns an Avro type (a name, a mapping or a union list, as in an .avsc) into a
`TypeInfo` that says which values fit: the same Python representation the rest of ksqlmv uses
(see `ksqlmv.sql.types`): `Decimal` for decimals, whole milliseconds for timestamp-millis, `str`
for enum symbols and strings. `coerce` checks a value written in a scenario (an option, a
constant, a schema default) against a type once, at load time, and returns it in that form.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ksqlmv.simulate.traffic import SpecError

__all__ = ["NO_DEFAULT", "TypeInfo", "coerce", "field_default", "parse_type"]

_PRIMITIVES = frozenset(("null", "boolean", "int", "long", "float", "double", "bytes", "string"))
_INT32 = (-(2**31), 2**31 - 1)
_INT_BOUNDS = {"int": _INT32, "date": _INT32, "time-millis": _INT32}
NO_DEFAULT = object()


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """One Avro type. `kind` is the primitive or complex type name, or the logical type
    (`decimal`, `timestamp-millis`, ...) when one applies."""

    kind: str
    schema: Any
    name: str = ""
    symbols: tuple[str, ...] = ()
    precision: int = 0
    scale: int = 0
    size: int = 0
    branches: tuple[TypeInfo, ...] = ()
    items: TypeInfo | None = None
    fields: tuple[tuple[str, TypeInfo, Any], ...] = ()
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def nullable(self) -> bool:
        """A union with a null branch."""
        return self.kind == "union" and any(branch.kind == "null" for branch in self.branches)

    @property
    def non_null(self) -> tuple[TypeInfo, ...]:
        """The branches of a union other than null, or the type itself."""
        if self.kind != "union":
            return (self,)
        return tuple(branch for branch in self.branches if branch.kind != "null")

    def describe(self) -> str:
        """A short name for messages: `string`, `decimal(10, 2)`, `union[null, string]`."""
        if self.kind == "decimal":
            return f"decimal({self.precision}, {self.scale})"
        if self.kind == "union":
            return "union[" + ", ".join(branch.describe() for branch in self.branches) + "]"
        if self.kind == "enum":
            return f"enum {self.name}"
        return self.kind


def parse_type(schema: Any, named: dict[str, TypeInfo] | None = None) -> TypeInfo:
    """The `TypeInfo` of an Avro type as found in an .avsc; raises `SpecError` if malformed."""
    named = {} if named is None else named
    if isinstance(schema, list):
        return TypeInfo("union", schema, branches=tuple(parse_type(b, named) for b in schema))
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return TypeInfo(schema, schema)
        if schema in named:
            return named[schema]
        raise SpecError(f"unknown Avro type {schema!r}")
    if not isinstance(schema, dict) or "type" not in schema:
        raise SpecError(f"not an Avro type: {schema!r}")
    properties = schema.get("arg.properties") or {}
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical == "decimal" and kind in ("bytes", "fixed"):
        return TypeInfo(
            "decimal",
            schema,
            precision=int(schema["precision"]),
            scale=int(schema.get("scale", 0)),
            size=int(schema.get("size", 0)),
            properties=properties,
        )
    if logical in ("timestamp-millis", "timestamp-micros", "time-micros") and kind == "long":
        return TypeInfo(logical, schema, properties=properties)
    if logical in ("date", "time-millis") and kind == "int":
        return TypeInfo(logical, schema, properties=properties)
    if isinstance(kind, str) and kind in _PRIMITIVES:
        return TypeInfo(kind, schema, properties=properties)
    return _complex(kind, schema, properties, named)


def _complex(
    kind: Any, schema: dict[str, Any], props: dict[str, Any], named: dict[str, TypeInfo]
) -> TypeInfo:
    name = str(schema.get("name", ""))
    if kind == "enum":
        info = TypeInfo(
            "enum", schema, name=name, symbols=tuple(schema["symbols"]), properties=props
        )
    elif kind == "fixed":
        info = TypeInfo("fixed", schema, name=name, size=int(schema["size"]), properties=props)
    elif kind == "array":
        return TypeInfo("array", schema, items=parse_type(schema["items"], named), properties=props)
    elif kind == "map":
        return TypeInfo("map", schema, items=parse_type(schema["values"], named), properties=props)
    elif kind == "record":
        fields = tuple(
            (f["name"], parse_type(f["type"], named), f.get("default", NO_DEFAULT))
            for f in schema["fields"]
        )
        info = TypeInfo("record", schema, name=name, fields=fields, properties=props)
    else:
        return parse_type(kind, named)
    if name:
        named[name] = info
    return info


def field_default(info: TypeInfo, default: Any) -> Any:
    """A field's schema default as a value of its type (a union's default is its first branch)."""
    if info.kind == "union":
        return coerce(default, info.branches[0])
    return coerce(default, info)


def coerce(value: Any, info: TypeInfo) -> Any:
    """`value` as `info` takes it, or `SpecError` saying why it does not fit."""
    return _COERCE[info.kind](value, info)


def _unfit(value: Any, info: TypeInfo) -> SpecError:
    return SpecError(f"{value!r} is not a valid {info.describe()}")


def _null(value: Any, info: TypeInfo) -> None:
    if value is not None:
        raise _unfit(value, info)


def _boolean(value: Any, info: TypeInfo) -> bool:
    if not isinstance(value, bool):
        raise _unfit(value, info)
    return value


def _integer(value: Any, info: TypeInfo) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _unfit(value, info)
    low, high = _INT_BOUNDS.get(info.kind, (-(2**63), 2**63 - 1))
    if not low <= value <= high:
        raise SpecError(f"{value} is out of range for {info.kind}")
    return value


def _real(value: Any, info: TypeInfo) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _unfit(value, info)
    return float(value)


def _string(value: Any, info: TypeInfo) -> str:
    if not isinstance(value, str):
        raise _unfit(value, info)
    return value


def _bytes(value: Any, info: TypeInfo) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    if not isinstance(value, bytes) or (info.kind == "fixed" and len(value) != info.size):
        raise _unfit(value, info)
    return value


def _decimal(value: Any, info: TypeInfo) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _unfit(value, info)
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-info.scale))
    except decimal.InvalidOperation:
        raise _unfit(value, info) from None
    if len(number.as_tuple().digits) > info.precision:
        raise SpecError(f"{value} has more than {info.precision} digits")
    return number


def _enum(value: Any, info: TypeInfo) -> str:
    if value not in info.symbols:
        raise SpecError(f"{value!r} is not a symbol of {info.name} ({', '.join(info.symbols)})")
    return str(value)


def _array(value: Any, info: TypeInfo) -> list[Any]:
    assert info.items is not None
    if not isinstance(value, list):
        raise _unfit(value, info)
    return [coerce(item, info.items) for item in value]


def _map(value: Any, info: TypeInfo) -> dict[str, Any]:
    assert info.items is not None
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise _unfit(value, info)
    return {key: coerce(item, info.items) for key, item in value.items()}


def _record(value: Any, info: TypeInfo) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _unfit(value, info)
    unknown = set(value) - {name for name, _, _ in info.fields}
    if unknown:
        raise SpecError(f"{info.name} has no field {sorted(unknown)[0]!r}")
    record: dict[str, Any] = {}
    for name, field_info, default in info.fields:
        if name in value:
            record[name] = coerce(value[name], field_info)
        elif default is not NO_DEFAULT:
            record[name] = field_default(field_info, default)
        else:
            raise SpecError(f"{info.name} needs field {name!r}")
    return record


def _union(value: Any, info: TypeInfo) -> Any:
    for branch in info.branches:
        try:
            return coerce(value, branch)
        except SpecError:
            continue
    raise _unfit(value, info)


_COERCE: dict[str, Any] = {
    "null": _null,
    "boolean": _boolean,
    "int": _integer,
    "long": _integer,
    "date": _integer,
    "time-millis": _integer,
    "timestamp-millis": _integer,
    "timestamp-micros": _integer,
    "time-micros": _integer,
    "float": _real,
    "double": _real,
    "string": _string,
    "bytes": _bytes,
    "fixed": _bytes,
    "decimal": _decimal,
    "enum": _enum,
    "array": _array,
    "map": _map,
    "record": _record,
    "union": _union,
}
