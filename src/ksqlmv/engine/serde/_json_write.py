"""Rows to JSON text, as Kafka Connect's `JsonConverter` writes them for ksqlDB.

Decimals are numbers written exactly, doubles as Java's `Double.toString` (NaN and infinities
quoted, as Jackson quotes them), TIME, DATE and TIMESTAMP as numbers, BYTES as base64 and STRUCT
fields in declaration order; non-ASCII text is written as UTF-8, not escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, cast

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde.base import ColumnLike, Row, compile_function
from ksqlmv.sql.types import ArrayType, BaseType, MapType, SqlType, StructType

__all__ = ["encoder", "json_text", "row_writer"]

Encode = Callable[[Any], str]


def json_text(value: Any) -> str:
    """Any value of our representation as compact JSON text, as Jackson writes it."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is Decimal:
        return str(value)
    if kind is float:
        return _double_json(value)
    if kind is dict:
        return "{" + ",".join(f"{_key(k)}:{json_text(v)}" for k, v in value.items()) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join(json_text(v) for v in value) + "]"
    if isinstance(value, bytes | bytearray | memoryview):
        return '"' + values.b64encode(bytes(value)) + '"'
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _key(key: str | None) -> str:
    """A map key: a NULL key is written as the text "null", as Connect's JsonConverter does."""
    return '"null"' if key is None else encode_basestring(key)


def _double_json(value: float) -> str:
    text = values.java_double(float.__float__(value))
    # Jackson quotes the non-numeric doubles (QUOTE_NON_NUMERIC_NUMBERS)
    return f'"{text}"' if text[-1] in "Ny" else text


def encoder(sql_type: SqlType) -> Encode:
    base = sql_type.base
    if base is BaseType.STRING:
        return cast(Encode, encode_basestring)
    if base is BaseType.BOOLEAN:
        return lambda v: "true" if v else "false"
    if base in (
        BaseType.INTEGER,
        BaseType.BIGINT,
        BaseType.DATE,
        BaseType.TIME,
        BaseType.TIMESTAMP,
    ):
        return int.__repr__
    if base is BaseType.DOUBLE:
        return _double_json
    if base is BaseType.DECIMAL:
        return Decimal.__str__
    if base is BaseType.BYTES:
        return lambda v: '"' + values.b64encode(v) + '"'
    if isinstance(sql_type, ArrayType):
        element = encoder(sql_type.element)
        return lambda v: "[" + ",".join("null" if x is None else element(x) for x in v) + "]"
    if isinstance(sql_type, MapType):
        entry = encoder(sql_type.value)
        return lambda v: (
            "{"
            + ",".join(f"{_key(k)}:{'null' if x is None else entry(x)}" for k, x in v.items())
            + "}"
        )
    assert isinstance(sql_type, StructType)
    fields = tuple(
        (encode_basestring(f.name) + ":", f.name, encoder(f.type)) for f in sql_type.fields
    )

    def struct(v: dict[str, Any]) -> str:
        parts = []
        for prefix, name, encode in fields:
            x = v.get(name)
            parts.append(prefix + ("null" if x is None else encode(x)))
        return "{" + ",".join(parts) + "}"

    return struct


def row_writer(columns: Sequence[ColumnLike]) -> Callable[[Row], str]:
    """A function from a row tuple to a JSON object's text, generated for `columns`."""
    namespace: dict[str, Any] = {}
    pieces = []
    for i, column in enumerate(columns):
        namespace[f"E{i}"] = encoder(column.type)
        prefix = ("{" if i == 0 else ",") + encode_basestring(column.name) + ":"
        pieces.append(f"{prefix!r}, 'null' if x{i} is None else E{i}(x{i})")
    if not columns:
        return lambda row: "{}"
    unpack = ", ".join(f"x{i}" for i in range(len(columns))) + ","
    source = f"def write(row):\n    {unpack} = row\n    return ''.join(({', '.join(pieces)}, '}}'))"
    return compile_function(source, namespace, "write")
