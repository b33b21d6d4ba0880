"""Serializers for a source's keys and values, built once per query from the catalog.

Keys of windowed sources carry their window after the key bytes, as Kafka Streams lays them out
(`ksqlmv.engine.serde.WindowedSerde`); the window end of a time window is start + size (from
the source's key format). Schema Registry subjects follow TopicNameStrategy (`key_subject`,
`value_subject`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.catalog import Column, DataSource, KeyFormat, ValueFormat, WindowType
from ksqlmv.engine.catalog.formats import WindowInfo
from ksqlmv.engine.serde.registry import key_subject, value_subject
from ksqlmv.engine.serde.windowed import WindowedKey, WindowedSerde

__all__ = ["KeySerde", "SerdeFactory", "ValueSerde", "serdes_for"]

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
        subject=key_subject(topic),
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
    session = window.type is WindowType.SESSION
    serde = WindowedSerde(inner, window.type, None if session else window.size_ms or 0)
    serialize_windowed = serde.serialize
    deserialize_windowed = serde.deserialize

    def serialize(row: Row | None, win: Window | None) -> bytes | None:
        start, end = win or (0, 0)
        return serialize_windowed(WindowedKey(row, start, end))

    def deserialize(data: bytes | None) -> tuple[Row | None, Window | None]:
        found = deserialize_windowed(data)
        if found is None:
            return None, None
        return found.key, (found.start, found.end)

    return KeySerde(serialize, deserialize)


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
        subject=value_subject(topic),
        topic=topic,
    )
    return ValueSerde(serde.serialize, serde.deserialize)


def serdes_for(source: DataSource, registry: Any) -> tuple[KeySerde, ValueSerde]:
    """Key and value serdes of a stream's or table's topic."""
    return (
        key_serde(source.key_format, source.schema.key, source.topic, registry),
        value_serde(source.value_format, source.schema.value, source.topic, registry),
    )
