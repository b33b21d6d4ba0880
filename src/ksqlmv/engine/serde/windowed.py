"""Windowed keys, laid out exactly as Kafka Streams' windowed serdes lay them out.

A key of a TUMBLING or HOPPING window is the key's bytes in its format followed by the window
start, 8 bytes big-endian; its end is not written, it is the start plus the window size. A key
of a SESSION window is the key's bytes, then the window end, then the window start, 8 bytes each.
This holds for every key format, so a windowed table written by ksqlDB reads here and back.

>>> from ksqlmv.engine.serde import SerdeColumn, make_serde
>>> from ksqlmv.sql.types import STRING
>>> key = make_serde("KAFKA", [SerdeColumn("K", STRING)], is_key=True)
>>> serde = WindowedSerde(key, "TUMBLING", size_ms=60_000)
>>> serde.serialize(WindowedKey(("a",), 0, 60_000))
b'a\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
>>> serde.deserialize(b'a\\x00\\x00\\x00\\x00\\x00\\x00\\xea\\x60')
WindowedKey(key=('a',), start=60000, end=120000)
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from ksqlmv.engine.serde.base import Row, Serde
from ksqlmv.errors import DeserializationError, FormatError, SerializationError

__all__ = ["WindowedKey", "WindowedSerde"]

_LONG = struct.Struct(">q")
_TWO_LONGS = struct.Struct(">qq")
_LONG_MAX = 2**63 - 1
_TIME_WINDOWS = ("TUMBLING", "HOPPING")


class WindowedKey(NamedTuple):
    """A key row and the bounds of its window, in epoch milliseconds."""

    key: Row | None
    start: int
    end: int


class WindowedSerde:
    """Reads and writes windowed keys around the serde of the key columns.

    `window_type` is TUMBLING, HOPPING or SESSION (any enum whose value or name is one of them is
    accepted); time windows need `size_ms` to know where a window ends.
    """

    __slots__ = ("inner", "session", "size_ms", "window_type")

    def __init__(self, inner: Serde, window_type: object, size_ms: int | None = None) -> None:
        name = str(getattr(window_type, "value", window_type)).upper()
        if name not in (*_TIME_WINDOWS, "SESSION"):
            raise FormatError(f"Unknown window type: {name}")
        if name != "SESSION" and size_ms is None:
            raise FormatError(f"{name} windows need a window size")
        self.inner = inner
        self.window_type = name
        self.session = name == "SESSION"
        self.size_ms = size_ms

    def serialize(self, windowed: WindowedKey | None) -> bytes | None:
        """The key bytes followed by the window start (and, for sessions, end first)."""
        if windowed is None:
            return None
        key = self.inner.serialize(windowed.key)
        if key is None:
            raise SerializationError(
                "A windowed key cannot be null", topic=self.inner.topic, is_key=True
            )
        if self.session:
            return key + _TWO_LONGS.pack(windowed.end, windowed.start)
        return key + _LONG.pack(windowed.start)

    def deserialize(self, data: bytes | None) -> WindowedKey | None:
        """The key row and its window; None for null or empty bytes, as Kafka Streams reads them."""
        if not data:
            return None
        if self.session:
            if len(data) < 16:
                raise DeserializationError(
                    "Error deserializing session windowed key: fewer than 16 bytes",
                    topic=self.inner.topic,
                    is_key=True,
                )
            end, start = _TWO_LONGS.unpack_from(data, len(data) - 16)
            return WindowedKey(self.inner.deserialize(data[:-16]), start, end)
        if len(data) < 8:
            raise DeserializationError(
                "Error deserializing time windowed key: fewer than 8 bytes",
                topic=self.inner.topic,
                is_key=True,
            )
        (start,) = _LONG.unpack_from(data, len(data) - 8)
        assert self.size_ms is not None
        end = start + self.size_ms
        if end > _LONG_MAX:
            end = _LONG_MAX
        return WindowedKey(self.inner.deserialize(data[:-8]), start, end)
