"""Serializers for a source's keys and values, built once per query from the catalog.

Keys of windowed sources carry their window after the key bytes, as Kafka Streams lays them out:
time windows append the 8-byte big-endian start; session windows append end then start. The
window end of a time window is start + size (from the source's key format).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.catalog import Column, DataSource, KeyFormat, ValueFormat, WindowType
from ksqlmv.engine.catalog.formats import WindowInfo

__all__ = ["KeySerde", "SerdeFactory", "ValueSerde", "serdes_for"]

_LONG = struct.Struct(">q")
_TWO_LONGS = struct.Struct(">qq")

Row = tuple[Any, ...]
Window = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ValueSerde:
    """Row ⇄ bytes for values."""

    serialize: Callable[[Row | None], bytes | None]
    deserialize: Callable[[bytes | None], Row | None]


@dataclass(frozen=True, slots=True)
class KeySerde:
    """Key row (and window) ⇄ bytes."""

    serialize: Callable[[Row | None, Window | None], bytes | None]
    deserialize: Callable[[bytes | None], tuple[Row | None, Window | None]]


SerdeFactory = Callable[..., Any]


def _inner_key(
    key_format: KeyFormat, columns: tuple[Column, ...], topic: str, registry: Any
) -> Any:
    from ksqlmv.engine.serde import make_serde

    return make_serde(
        key_format.format.name,
        columns,
        key_format.format.as_dict(),
        is_key=True,
        features=key_format.features,
        registry=registry,
        subject=f"{topic}-key",
        topic=topic,
    )


def key_serde(
    key_format: KeyFormat, columns: tuple[Column, ...], topic: str, registry: Any
) -> KeySerde:
    """The key serde of a topic, windowed when the format has a window."""
    inner = _inner_key(key_format, columns, topic, registry)
    window = key_format.window
    if window is None:
        serialize_plain = inner.serialize
        deserialize_plain = inner.deserialize

        def serialize(row: Row | None, win: Window | None) -> bytes | None:
            data: bytes | None = serialize_plain(row)
            return data

        def deserialize(data: bytes | None) -> tuple[Row | None, Window | None]:
            return deserialize_plain(data), None

        return KeySerde(serialize, deserialize)
    return _windowed(inner, window)


def _windowed(inner: Any, window: WindowInfo) -> KeySerde:
    serialize_inner = inner.serialize
    deserialize_inner = inner.deserialize
    if window.type is WindowType.SESSION:

        def serialize_session(row: Row | None, win: Window | None) -> bytes | None:
            data = serialize_inner(row) or b""
            start, end = win or (0, 0)
            return data + _TWO_LONGS.pack(end, start)

        def deserialize_session(data: bytes | None) -> tuple[Row | None, Window | None]:
            if data is None or len(data) < 16:
                return deserialize_inner(data), None
            end, start = _TWO_LONGS.unpack_from(data, len(data) - 16)
            return deserialize_inner(data[:-16] or None), (start, end)

        return KeySerde(serialize_session, deserialize_session)
    size = window.size_ms or 0

    def serialize_time(row: Row | None, win: Window | None) -> bytes | None:
        data = serialize_inner(row) or b""
        return data + _LONG.pack((win or (0, 0))[0])

    def deserialize_time(data: bytes | None) -> tuple[Row | None, Window | None]:
        if data is None or len(data) < 8:
            return deserialize_inner(data), None
        (start,) = _LONG.unpack_from(data, len(data) - 8)
        return deserialize_inner(data[:-8] or None), (start, start + size)

    return KeySerde(serialize_time, deserialize_time)


def value_serde(
    value_format: ValueFormat, columns: tuple[Column, ...], topic: str, registry: Any
) -> ValueSerde:
    """The value serde of a topic."""
    from ksqlmv.engine.serde import make_serde

    serde = make_serde(
        value_format.format.name,
        columns,
        value_format.format.as_dict(),
        is_key=False,
        features=value_format.features,
        registry=registry,
        subject=f"{topic}-value",
        topic=topic,
    )
    return ValueSerde(serde.serialize, serde.deserialize)


def serdes_for(source: DataSource, registry: Any) -> tuple[KeySerde, ValueSerde]:
    """Key and value serdes of a stream's or table's topic."""
    return (
        key_serde(source.key_format, source.schema.key, source.topic, registry),
        value_serde(source.value_format, source.schema.value, source.topic, registry),
    )
