"""Typed rows: ksqlDB's REST JSON values to the Python values of `ksqlmv.sql.types`, and back.

ksqlDB writes row values with its REST JSON mapper: DECIMAL as a plain JSON number, BYTES as
base64, TIMESTAMP as `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC, DATE as `yyyy-MM-dd`, TIME as Java's
`LocalTime` text (`HH:mm`, `HH:mm:ss`, `HH:mm:ss.SSS`). Column types arrive as canonical type
strings (`DECIMAL(4, 2)`, ``STRUCT<`A` STRING>``), parsed here into `SqlType` values.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ksqlmv.errors import ProtocolError
from ksqlmv.sql import types as t

__all__ = ["from_json", "parse_type", "to_json"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TOKEN = re.compile(r"\s*(?:(`(?:[^`]|``)*`)|([A-Za-z_][A-Za-z_0-9]*)|(\d+)|([<>(),]))")


def parse_type(text: str) -> t.SqlType:
    """Parse a canonical type string as ksqlDB writes it in `columnTypes` and schemas."""
    tokens = _tokenize(text)
    sql_type, position = _parse(tokens, 0, text)
    if position != len(tokens):
        raise ProtocolError(f"unexpected text after type in {text!r}")
    return sql_type


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip() == "":
                break
            raise ProtocolError(f"cannot read type {text!r} at {position}")
        tokens.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return tokens


def _parse(tokens: list[str], i: int, text: str) -> tuple[t.SqlType, int]:
    def expect(token: str, at: int) -> int:
        if at >= len(tokens) or tokens[at] != token:
            raise ProtocolError(f"expected {token!r} in type {text!r}")
        return at + 1

    if i >= len(tokens):
        raise ProtocolError(f"type {text!r} ends early")
    name = tokens[i].upper()
    if name in t.PRIMITIVE_TYPES:
        return t.PRIMITIVE_TYPES[name], i + 1
    if name == "DECIMAL":
        i = expect("(", i + 1)
        precision = int(tokens[i])
        i = expect(",", i + 1)
        scale = int(tokens[i])
        return t.DecimalType(precision, scale), expect(")", i + 1)
    if name == "ARRAY":
        element, i = _parse(tokens, expect("<", i + 1), text)
        return t.ArrayType(element), expect(">", i)
    if name == "MAP":
        key, i = _parse(tokens, expect("<", i + 1), text)
        value, i = _parse(tokens, expect(",", i), text)
        return t.MapType(key, value), expect(">", i)
    if name == "STRUCT":
        i = expect("<", i + 1)
        fields: list[t.StructField] = []
        while tokens[i] != ">":
            raw = tokens[i]
            field_name = raw[1:-1].replace("``", "`") if raw.startswith("`") else raw
            field_type, i = _parse(tokens, i + 1, text)
            fields.append(t.StructField(field_name, field_type))
            if tokens[i] == ",":
                i += 1
        return t.StructType(tuple(fields)), i + 1
    raise ProtocolError(f"unknown type {tokens[i]!r} in {text!r}")


def from_json(sql_type: t.SqlType, value: Any) -> Any:
    """Convert one JSON value (parsed with Decimal floats) to the Python value of `sql_type`."""
    if value is None:
        return None
    return _FROM_JSON[sql_type.base](sql_type, value)


def _timestamp_from_json(_: t.SqlType, value: Any) -> int:
    if isinstance(value, int | Decimal):
        return int(value)
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return (parsed - _EPOCH) // dt.timedelta(milliseconds=1)


def _date_from_json(_: t.SqlType, value: Any) -> int:
    if isinstance(value, int | Decimal):
        return int(value)
    return (dt.date.fromisoformat(value) - _EPOCH.date()).days


def _time_from_json(_: t.SqlType, value: Any) -> int:
    if isinstance(value, int | Decimal):
        return int(value)
    parsed = dt.time.fromisoformat(value)
    seconds = parsed.hour * 3600 + parsed.minute * 60 + parsed.second
    return seconds * 1000 + parsed.microsecond // 1000


def _decimal_from_json(sql_type: t.SqlType, value: Any) -> Decimal:
    assert isinstance(sql_type, t.DecimalType)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-sql_type.scale))


def _array_from_json(sql_type: t.SqlType, value: Any) -> list[Any]:
    assert isinstance(sql_type, t.ArrayType)
    return [from_json(sql_type.element, item) for item in value]


def _map_from_json(sql_type: t.SqlType, value: Any) -> dict[Any, Any]:
    assert isinstance(sql_type, t.MapType)
    return {
        from_json(sql_type.key, key): from_json(sql_type.value, item) for key, item in value.items()
    }


def _struct_from_json(sql_type: t.SqlType, value: Any) -> dict[str, Any]:
    assert isinstance(sql_type, t.StructType)
    return {field.name: from_json(field.type, value.get(field.name)) for field in sql_type.fields}


_FROM_JSON: dict[t.BaseType, Callable[[t.SqlType, Any], Any]] = {
    t.BaseType.BOOLEAN: lambda _, v: bool(v),
    t.BaseType.INTEGER: lambda _, v: int(v),
    t.BaseType.BIGINT: lambda _, v: int(v),
    t.BaseType.DOUBLE: lambda _, v: float(v),
    t.BaseType.DECIMAL: _decimal_from_json,
    t.BaseType.STRING: lambda _, v: v if isinstance(v, str) else str(v),
    t.BaseType.BYTES: lambda _, v: base64.b64decode(v),
    t.BaseType.TIMESTAMP: _timestamp_from_json,
    t.BaseType.DATE: _date_from_json,
    t.BaseType.TIME: _time_from_json,
    t.BaseType.ARRAY: _array_from_json,
    t.BaseType.MAP: _map_from_json,
    t.BaseType.STRUCT: _struct_from_json,
}


def to_json(value: Any) -> Any:
    """A Python value as ksqlDB's REST API takes it in inserts: bytes as base64, Decimal as-is,
    datetimes, dates and times as the text ksqlDB writes them (a naive datetime is UTC)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value
