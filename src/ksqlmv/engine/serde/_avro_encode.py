"""Avro binary for the schemas ksqlDB generates, written by functions generated per schema.

A generated sink schema is known field by field (see `avro_schema`): a record whose fields are
`["null", T]` unions, with MAPs as arrays of `{key, value}` records. So instead of handing a dict
to a general-purpose writer that resolves every union at run time, the row is written directly:
`\\x00` for NULL, `\\x02` and the value otherwise; ints and longs as zigzag varints, doubles as
8 little-endian bytes, strings and bytes length-prefixed, decimals as their unscaled two's
complement (minimal, as Java's `BigInteger.toByteArray`), arrays as one block and an end marker.
The bytes are exactly what fastavro or Avro's Java writer produce for the same datum.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde.base import ColumnLike, Row, compile_function
from ksqlmv.sql.types import ArrayType, BaseType, DecimalType, MapType, SqlType, StructType

__all__ = ["row_writer", "unscaled_bytes", "zigzag"]

Write = Callable[[Any], bytes]

_NULL = b"\x00"
_SOME = b"\x02"
_DOUBLE = struct.Struct("<d").pack
_SMALL = [bytes([(n << 1) ^ (n >> 63)]) for n in range(-64, 64)]


def zigzag(number: int) -> bytes:
    """An Avro `int`/`long`: zigzag-encoded, then a little-endian base-128 varint."""
    if -64 <= number < 64:
        return _SMALL[number + 64]
    encoded = (number << 1) ^ (number >> 63)
    out = bytearray()
    while encoded >= 0x80:
        out.append((encoded & 0x7F) | 0x80)
        encoded >>= 7
    out.append(encoded)
    return bytes(out)


_LENGTHS = [zigzag(n) for n in range(256)]
_SOME_LENGTHS = [_SOME + prefix for prefix in _LENGTHS]


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    size = len(data)
    return (_LENGTHS[size] if size < 256 else zigzag(size)) + data


def _raw(value: bytes) -> bytes:
    size = len(value)
    return (_LENGTHS[size] if size < 256 else zigzag(size)) + bytes(value)


def _long(value: int) -> bytes:
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an integer")
    return zigzag(value)


def _boolean(value: bool) -> bytes:
    return b"\x01" if value else b"\x00"


def unscaled_bytes(number: int) -> bytes:
    """`number` in two's complement, big-endian, in as few bytes as Java's `toByteArray`."""
    magnitude = number.bit_length() if number >= 0 else (~number).bit_length()
    return number.to_bytes(magnitude // 8 + 1, "big", signed=True)


def _decimal(sql_type: DecimalType) -> Write:
    precision, scale = sql_type.precision, sql_type.scale

    def write(value: Decimal) -> bytes:
        fitted = values.ensure_fit(value, precision, scale)
        sign, digits, _ = fitted.as_tuple()
        number = int("".join(map(str, digits))) if digits else 0
        return _raw(unscaled_bytes(-number if sign else number))

    return write


def _array(element: Write) -> Write:
    def write(value: list[Any]) -> bytes:
        if not value:
            return b"\x00"
        parts = [zigzag(len(value))]
        parts.extend(_NULL if item is None else _SOME + element(item) for item in value)
        parts.append(b"\x00")
        return b"".join(parts)

    return write


def _map(entry: Write) -> Write:
    def write(value: dict[str, Any]) -> bytes:
        if not value:
            return b"\x00"
        parts = [zigzag(len(value))]
        for key, item in value.items():
            parts.append(_NULL if key is None else _SOME + _text(key))
            parts.append(_NULL if item is None else _SOME + entry(item))
        parts.append(b"\x00")
        return b"".join(parts)

    return write


def _struct(sql_type: StructType) -> Write:
    fields = tuple((f.name, writer(f.type)) for f in sql_type.fields)

    def write(value: dict[str, Any]) -> bytes:
        parts = []
        for name, field in fields:
            item = value.get(name)
            parts.append(_NULL if item is None else _SOME + field(item))
        return b"".join(parts)

    return write


_PRIMITIVES: dict[BaseType, Write] = {
    BaseType.BOOLEAN: _boolean,
    BaseType.INTEGER: _long,
    BaseType.BIGINT: _long,
    BaseType.DATE: _long,
    BaseType.TIME: _long,
    BaseType.TIMESTAMP: _long,
    BaseType.DOUBLE: _DOUBLE,
    BaseType.STRING: _text,
    BaseType.BYTES: _raw,
}


def writer(sql_type: SqlType) -> Write:
    """The Avro binary of a non-NULL value of `sql_type`, in the generated schema's layout."""
    primitive = _PRIMITIVES.get(sql_type.base)
    if primitive is not None:
        return primitive
    if isinstance(sql_type, DecimalType):
        return _decimal(sql_type)
    if isinstance(sql_type, ArrayType):
        return _array(writer(sql_type.element))
    if isinstance(sql_type, MapType):
        return _map(writer(sql_type.value))
    assert isinstance(sql_type, StructType)
    return _struct(sql_type)


# Inline forms for the generated row function: the commonest types skip a call.
_INLINE = {
    BaseType.STRING: "_S(x{i})",
    BaseType.INTEGER: "_L(x{i})",
    BaseType.BIGINT: "_L(x{i})",
    BaseType.TIMESTAMP: "_L(x{i})",
    BaseType.DOUBLE: "_SOME + _D(x{i})",
}


def row_writer(columns: Sequence[ColumnLike], *, unwrapped: bool) -> Callable[[Row], bytes]:
    """The Avro body of a row in the schema `sink_schema(columns, unwrapped=...)` generates.

    Unwrapped, the single column's value is the whole (non-optional) body; its NULL is never
    written (the record is a tombstone instead).
    """
    if unwrapped:
        single = writer(columns[0].type)
        return lambda row: single(row[0])
    if not columns:
        return lambda row: b""
    namespace: dict[str, Any] = {
        "_N": _NULL,
        "_SOME": _SOME,
        "_D": _DOUBLE,
        "_S": _some_text,
        "_L": _some_long,
    }
    parts = []
    for i, column in enumerate(columns):
        inline = _INLINE.get(column.type.base)
        if inline is None:
            namespace[f"W{i}"] = writer(column.type)
            inline = "_SOME + W{i}(x{i})"
        parts.append(f"_N if x{i} is None else {inline.format(i=i)}")
    unpack = "".join(f"x{i}, " for i in range(len(columns)))
    joined = "".join(part + ", " for part in parts)
    source = f"def write(row):\n    {unpack}= row\n    return b''.join(({joined}))"
    return compile_function(source, namespace, "write")


def _some_text(value: str) -> bytes:
    data = value.encode("utf-8")
    size = len(data)
    return (_SOME_LENGTHS[size] if size < 256 else _SOME + zigzag(size)) + data


def _some_long(value: int) -> bytes:
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an integer")
    if -64 <= value < 64:
        return _SOME + _SMALL[value + 64]
    return _SOME + zigzag(value)
