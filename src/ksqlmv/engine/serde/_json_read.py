"""JSON values to rows, with the coercions and errors of ksqlDB's `KsqlJsonDeserializer`.

A number may fill a STRING column and a numeric string a number column, integers narrow as Java's
`intValue()`/`longValue()` do, a struct field matches its JSON key exactly or else upper-cased,
DECIMALs are fitted to their scale and BYTES are base64. A value that does not fit raises with
ksqlDB's message and the path to it (`$.ORDER.LINES[2]`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, cast

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde._json_parse import MISSING
from ksqlmv.engine.serde._json_write import json_text
from ksqlmv.engine.serde.base import ColumnLike, Row, compile_function, row_struct
from ksqlmv.sql.types import (
    ArrayType,
    BaseType,
    DecimalType,
    MapType,
    SqlType,
    StructType,
)

__all__ = [
    "Coercion",
    "coercer",
    "connect_type_text",
    "invalid",
    "locate",
    "needs_exact_numbers",
    "row_from_json",
    "row_reader",
    "value_from_json",
]

Coerce = Callable[[Any], Any]
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


class Coercion(Exception):
    """A value that does not fit its column; `path` grows as the error climbs out of a value."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.raw = message
        self.path = path

    def within(self, part: str) -> Coercion:
        located = Coercion(self.raw, part + self.path)
        located.__cause__ = self.__cause__
        return located


def _node_name(value: Any) -> str:
    """The Jackson node class ksqlDB names in "sourceType: ..."."""
    kind = type(value)
    if kind is bool:
        return "BooleanNode"
    if kind is int:
        if _INT_MIN <= value <= _INT_MAX:
            return "IntNode"
        return "LongNode" if _LONG_MIN <= value <= _LONG_MAX else "BigIntegerNode"
    if kind is Decimal or kind is float:
        return "DecimalNode"
    if kind is str:
        return "TextNode"
    if kind is list:
        return "ArrayNode"
    if kind is dict:
        return "ObjectNode"
    return "MissingNode"


def invalid(value: Any, required: str) -> Coercion:
    return Coercion(
        f"Can't convert type. sourceType: {_node_name(value)}, requiredType: {required}"
    )


def _bad_string(target: str) -> Coercion:
    return Coercion(f"Can't coerce string to type. targetType: {target}")


def connect_type_text(sql_type: SqlType) -> str:
    """A type as ksqlDB's JSON errors print structured types: `ARRAY<VARCHAR>`, `STRUCT<A INT>`."""
    base = sql_type.base
    if isinstance(sql_type, DecimalType):
        return f"DECIMAL({sql_type.precision}, {sql_type.scale})"
    if isinstance(sql_type, ArrayType):
        return f"ARRAY<{connect_type_text(sql_type.element)}>"
    if isinstance(sql_type, MapType):
        return f"MAP<{connect_type_text(sql_type.key)}, {connect_type_text(sql_type.value)}>"
    if isinstance(sql_type, StructType):
        if not sql_type.fields:
            return "STRUCT< >"
        inner = ", ".join(f"{f.name} {connect_type_text(f.type)}" for f in sql_type.fields)
        return f"STRUCT<{inner}>"
    return _CONNECT_NAMES[base]


_CONNECT_NAMES = {
    BaseType.BOOLEAN: "BOOLEAN",
    BaseType.INTEGER: "INT",
    BaseType.DATE: "INT",
    BaseType.TIME: "INT",
    BaseType.BIGINT: "BIGINT",
    BaseType.TIMESTAMP: "BIGINT",
    BaseType.DOUBLE: "DOUBLE",
    BaseType.STRING: "VARCHAR",
    BaseType.BYTES: "BYTES",
}


def _integral(target: str, narrow: Callable[[int], int], parse: Callable[[str], int]) -> Coerce:
    def coerce(value: Any) -> int:
        kind = type(value)
        if kind is int:
            return narrow(value)
        if kind is Decimal or kind is float:
            return narrow(int(value))
        if kind is str:
            try:
                return parse(value)
            except ValueError as error:
                raise _bad_string(target) from error
        raise invalid(value, target)

    return coerce


def _boolean(sql_type: SqlType) -> Coerce:
    def coerce(value: Any) -> bool:
        if value is True or value is False:
            return bool(value)
        raise invalid(value, "BOOLEAN")

    return coerce


def _integer(sql_type: SqlType) -> Coerce:
    return _integral("INTEGER", values.java_int, values.parse_int)


def _bigint(sql_type: SqlType) -> Coerce:
    return _integral("BIGINT", values.java_long, values.parse_long)


def _timestamp(sql_type: SqlType) -> Coerce:
    return _integral("TIMESTAMP", values.java_long, values.parse_long)


def _date(sql_type: SqlType) -> Coerce:
    return _integral("DATE", values.java_long, values.parse_long)


def _time(sql_type: SqlType) -> Coerce:
    millis = _integral("TIME", values.java_long, values.parse_long)

    def coerce(value: Any) -> int:
        return values.check_time(millis(value))

    return coerce


def _double(sql_type: SqlType) -> Coerce:
    def coerce(value: Any) -> float:
        kind = type(value)
        if kind is float:
            return cast(float, value)
        if kind is Decimal or kind is int:
            return float(value)
        if kind is str:
            try:
                return values.parse_double(value)
            except ValueError as error:
                raise _bad_string("DOUBLE") from error
        raise invalid(value, "DOUBLE")

    return coerce


def _string(sql_type: SqlType) -> Coerce:
    return _to_string


def _to_string(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return cast(str, value)
    if kind is dict:
        return json_text(value)
    if kind is list:
        items = ("null" if item is None else _to_string(item) for item in value)
        return "[" + ", ".join(items) + "]"
    if kind is bool:
        return "true" if value else "false"
    if value is MISSING:
        return ""
    if kind is float:
        return values.java_double(value)
    return str(value)


def _bytes(sql_type: SqlType) -> Coerce:
    if isinstance(sql_type, DecimalType):
        precision, scale, required = sql_type.precision, sql_type.scale, str(sql_type)

        def coerce_decimal(value: Any) -> Decimal:
            kind = type(value)
            if kind is Decimal or kind is int:
                return values.ensure_fit(Decimal(value), precision, scale)
            if kind is float:
                return values.ensure_fit(Decimal(repr(value)), precision, scale)
            if kind is str:
                return values.ensure_fit(values.parse_decimal(value), precision, scale)
            raise invalid(value, required)

        return coerce_decimal

    def coerce_bytes(value: Any) -> bytes:
        if type(value) is str:
            return values.b64decode(value, padding_required=True)
        raise invalid(value, "BYTES")

    return coerce_bytes


def _array(sql_type: SqlType) -> Coerce:
    assert isinstance(sql_type, ArrayType)
    element = coercer(sql_type.element)
    required = connect_type_text(sql_type)

    def coerce(value: Any) -> list[Any]:
        if type(value) is not list:
            raise invalid(value, required)
        result = []
        for index, item in enumerate(value):
            try:
                result.append(None if item is None else element(item))
            except Coercion as error:
                raise error.within(f"[{index}]") from error.__cause__
            except Exception as error:
                raise Coercion(str(error), f"[{index}]") from error
        return result

    return coerce


def _map(sql_type: SqlType) -> Coerce:
    assert isinstance(sql_type, MapType)
    entry = coercer(sql_type.value)
    required = connect_type_text(sql_type)

    def coerce(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise invalid(value, required)
        result = {}
        for key, item in value.items():
            try:
                result[key] = None if item is None else entry(item)
            except Coercion as error:
                raise error.within(f".{key}.value") from error.__cause__
            except Exception as error:
                raise Coercion(str(error), f".{key}.value") from error
        return result

    return coerce


def _struct(sql_type: SqlType) -> Coerce:
    assert isinstance(sql_type, StructType)
    fields = tuple((f.name, coercer(f.type)) for f in sql_type.fields)
    required = connect_type_text(sql_type)

    def coerce(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise invalid(value, required)
        result = {}
        upper: dict[str, Any] | None = None
        for name, field in fields:
            item = value.get(name, MISSING)
            if item is MISSING:
                if upper is None:
                    upper = {key.upper(): val for key, val in value.items()}
                item = upper.get(name)
            try:
                result[name] = None if item is None else field(item)
            except Coercion as error:
                raise error.within(f".{name}") from error.__cause__
            except Exception as error:
                raise Coercion(str(error), f".{name}") from error
        return result

    return coerce


_COERCERS: dict[BaseType, Callable[[SqlType], Coerce]] = {
    BaseType.BOOLEAN: _boolean,
    BaseType.INTEGER: _integer,
    BaseType.BIGINT: _bigint,
    BaseType.DOUBLE: _double,
    BaseType.STRING: _string,
    BaseType.DECIMAL: _bytes,
    BaseType.BYTES: _bytes,
    BaseType.TIMESTAMP: _timestamp,
    BaseType.DATE: _date,
    BaseType.TIME: _time,
    BaseType.ARRAY: _array,
    BaseType.MAP: _map,
    BaseType.STRUCT: _struct,
}


def coercer(sql_type: SqlType) -> Coerce:
    return _COERCERS[sql_type.base](sql_type)


def needs_exact_numbers(sql_type: SqlType) -> bool:
    """Whether a JSON number must be read exactly: for DECIMAL, and for text of STRING columns."""
    if sql_type.base in (BaseType.DECIMAL, BaseType.STRING):
        return True
    if isinstance(sql_type, ArrayType):
        return needs_exact_numbers(sql_type.element)
    if isinstance(sql_type, MapType):
        return needs_exact_numbers(sql_type.value)
    if isinstance(sql_type, StructType):
        return any(needs_exact_numbers(f.type) for f in sql_type.fields)
    return False


def value_from_json(sql_type: SqlType, value: Any) -> Any:
    """A parsed JSON value as a value of `sql_type`, coerced exactly as a JSON source reads it.

    Raises ValueError with ksqlDB's message (and `, path: $...`) when it does not fit.
    """
    if value is None:
        return None
    try:
        return coercer(sql_type)(value)
    except Coercion as error:
        raise ValueError(f"{error.raw}, path: ${error.path}") from error


def row_from_json(columns: Sequence[ColumnLike], value: dict[str, Any]) -> Row:
    """A parsed JSON object as a row of `columns`, matching fields as a JSON source does."""
    struct = row_struct(columns)
    return tuple(value_from_json(struct, value).values())


_FAST_TESTS = {
    BaseType.STRING: "type({x}) is str",
    BaseType.INTEGER: "type({x}) is int and -2147483648 <= {x} <= 2147483647",
    BaseType.BIGINT: "type({x}) is int and -9223372036854775808 <= {x} <= 9223372036854775807",
    BaseType.TIMESTAMP: "type({x}) is int and -9223372036854775808 <= {x} <= 9223372036854775807",
    BaseType.BOOLEAN: "{x} is True or {x} is False",
    BaseType.DOUBLE: "type({x}) is float",
}


def row_reader(columns: Sequence[ColumnLike]) -> Coerce:
    """A function from a parsed JSON object to a row tuple, generated for `columns`.

    A column takes the JSON field of its exact name; when some are missing, they are looked up
    by the object's keys upper-cased, as ksqlDB does. Which key serves which column depends
    only on the object's keys in order, so that choice is remembered per key list.
    """
    namespace: dict[str, Any] = {"_M": MISSING, "_plan": _key_planner(columns)}
    xs = [f"x{i}" for i in range(len(columns))]
    lines = ["def read(v):", "    get = v.get"]
    for i, column in enumerate(columns):
        lines.append(f"    x{i} = get({column.name!r}, _M)")
    if xs:
        lines.append(f"    if {' or '.join(f'{x} is _M' for x in xs)}:")
        lines.append("        keys = _plan(v)")
        for i in range(len(columns)):
            lines.append(f"        if x{i} is _M:")
            lines.append(f"            x{i} = get(keys[{i}])")
    parts = []
    for i, column in enumerate(columns):
        namespace[f"C{i}"] = coercer(column.type)
        test = _FAST_TESTS.get(column.type.base)
        x = f"x{i}"
        if test is None:
            parts.append(f"None if {x} is None else C{i}({x})")
        else:
            parts.append(f"None if {x} is None else ({x} if {test.format(x=x)} else C{i}({x}))")
    lines.append(f"    return ({''.join(p + ', ' for p in parts)})")
    return compile_function("\n".join(lines), namespace, "read")


def _key_planner(columns: Sequence[ColumnLike]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """For an object's keys: per column, the key whose upper case is its name (the last such)."""
    names = [column.name for column in columns]
    plans: dict[tuple[str, ...], tuple[str | None, ...]] = {}

    def plan(value: dict[str, Any]) -> tuple[str | None, ...]:
        shape = tuple(value)
        found = plans.get(shape)
        if found is None:
            upper = {key.upper(): key for key in shape}  # a later key wins, as in Java's HashMap
            found = tuple(upper.get(name) for name in names)
            if len(plans) >= 1024:
                plans.clear()
            plans[shape] = found
        return found

    return plan


def locate(columns: Sequence[ColumnLike], value: dict[str, Any]) -> Coercion:
    """Which field of `value` does not fit, with its path: run once a row fails."""
    struct = row_struct(columns)
    try:
        coercer(struct)(value)
    except Coercion as error:
        return error
    return Coercion("unexpected failure reading the row")
