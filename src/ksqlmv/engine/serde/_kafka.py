"""The KAFKA format: one column written by Kafka's own serializers.

INTEGER is 4 bytes and BIGINT 8 bytes, big-endian two's complement; DOUBLE is 8 bytes of IEEE 754;
STRING is UTF-8 (invalid bytes read as U+FFFD, as Java's `new String` does); BYTES are the bytes
themselves. A null value is a null record key or value; empty bytes are an empty STRING.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

from ksqlmv.engine.serde._types import java_class
from ksqlmv.engine.serde.base import (
    ColumnLike,
    Row,
    Serde,
    SerdeFeature,
    columns_text,
    count_mismatch,
    record_error,
)
from ksqlmv.errors import DeserializationError, FormatError, SerializationError
from ksqlmv.sql.types import BaseType

__all__ = ["kafka_serde"]

_INT = struct.Struct(">i")
_LONG = struct.Struct(">q")
_DOUBLE = struct.Struct(">d")


def _fixed(
    layout: struct.Struct, name: str
) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any]]:
    pack, unpack, size = layout.pack, layout.unpack, layout.size

    def read(data: bytes) -> Any:
        if len(data) != size:
            raise ValueError(f"Size of data received by {name} is not {size}")
        return unpack(data)[0]

    return pack, read


def _write_string(value: str) -> bytes:
    return value.encode("utf-8")


def _read_string(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _write_bytes(value: bytes) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"expected bytes, got {type(value).__name__}")
    return bytes(value)


_CODECS: dict[BaseType, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {
    BaseType.INTEGER: _fixed(_INT, "IntegerDeserializer"),
    BaseType.BIGINT: _fixed(_LONG, "LongDeserializer"),
    BaseType.DOUBLE: _fixed(_DOUBLE, "DoubleDeserializer"),
    BaseType.STRING: (_write_string, _read_string),
    BaseType.BYTES: (_write_bytes, bytes),
}


_JAVA_TYPES = {
    BaseType.INTEGER: "Integer",
    BaseType.BIGINT: "Long",
    BaseType.DOUBLE: "Double",
    BaseType.STRING: "String",
    BaseType.BYTES: "ByteBuffer",
}


def kafka_serde(
    columns: Sequence[ColumnLike],
    features: frozenset[SerdeFeature],
    *,
    is_key: bool,
    topic: str,
) -> Serde:
    """The KAFKA serde for exactly one column of INTEGER, BIGINT, DOUBLE, STRING or BYTES."""
    if len(columns) != 1:
        raise FormatError(
            "The 'KAFKA' format only supports a single field. Got: "
            + columns_text(columns, is_key=is_key)
        )
    base = columns[0].type.base
    codec = _CODECS.get(base)
    if codec is None:
        raise FormatError(f"The 'KAFKA' format does not support type '{base.value}'")
    write, read = codec
    expected = _JAVA_TYPES[base]

    def serialize(row: Row | None) -> bytes | None:
        if row is None:
            return None
        if len(row) != 1:
            raise count_mismatch(1, len(row), topic=topic, is_key=is_key)
        value = row[0]
        if value is None:
            return None
        try:
            return write(value)
        except Exception as error:
            got = java_class(value).rpartition(".")[2]
            raise record_error(
                SerializationError,
                f"value does not match expected type. expected: {expected}, but got: {got}",
                error,
                topic=topic,
                is_key=is_key,
            ) from None

    def deserialize(data: bytes | None) -> Row | None:
        if data is None:
            return None
        try:
            return (read(data),)
        except Exception as error:
            raise record_error(
                DeserializationError,
                f"Error deserializing KAFKA message from topic: {topic}",
                error,
                topic=topic,
                is_key=is_key,
            ) from None

    return Serde("KAFKA", tuple(columns), is_key, features, serialize, deserialize)
