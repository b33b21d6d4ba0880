"""Windowed keys in Kafka Streams' layouts, for every key format."""

from __future__ import annotations

import struct

import pytest

from ksqlmv.engine.serde import (
    InMemorySchemaRegistry,
    SerdeColumn,
    WindowedKey,
    WindowedSerde,
    make_serde,
    make_windowed_serde,
)
from ksqlmv.errors import DeserializationError, FormatError, SerializationError
from ksqlmv.sql.types import BIGINT, INTEGER, STRING

C = SerdeColumn
KEYS = [
    ("KAFKA", [C("ID", BIGINT)], (10,), (10).to_bytes(8, "big")),
    ("JSON", [C("ID", BIGINT)], (10,), b"10"),
    ("JSON", [C("A", STRING), C("B", INTEGER)], ("x", 1), b'{"A":"x","B":1}'),
    ("DELIMITED", [C("A", STRING), C("B", INTEGER)], ("x", 1), b"x,1"),
    ("AVRO", [C("ID", STRING)], ("k",), None),
]


@pytest.mark.parametrize(("format_name", "columns", "row", "key_bytes"), KEYS)
def test_time_windows_append_the_start_and_derive_the_end(
    format_name: str, columns: list[C], row: tuple[object, ...], key_bytes: bytes | None
) -> None:
    serde = make_windowed_serde(
        format_name, columns, "TUMBLING", 30_000, topic="t", registry=InMemorySchemaRegistry()
    )
    data = serde.serialize(WindowedKey(row, 60_000, 90_000))
    assert data is not None
    inner = serde.inner.serialize(row)
    assert data == inner + struct.pack(">q", 60_000)
    if key_bytes is not None:
        assert inner == key_bytes
    assert serde.deserialize(data) == WindowedKey(row, 60_000, 90_000)


@pytest.mark.parametrize(("format_name", "columns", "row", "key_bytes"), KEYS)
def test_session_windows_append_end_then_start(
    format_name: str, columns: list[C], row: tuple[object, ...], key_bytes: bytes | None
) -> None:
    serde = make_windowed_serde(
        format_name, columns, "SESSION", topic="t", registry=InMemorySchemaRegistry()
    )
    data = serde.serialize(WindowedKey(row, 1_000, 5_000))
    assert data is not None
    assert data == serde.inner.serialize(row) + struct.pack(">qq", 5_000, 1_000)
    assert serde.deserialize(data) == WindowedKey(row, 1_000, 5_000)


def test_a_window_end_past_the_last_long_stays_at_the_last_long() -> None:
    key = make_serde("KAFKA", [C("K", STRING)], is_key=True)
    serde = WindowedSerde(key, "HOPPING", 10)
    data = b"k" + struct.pack(">q", 2**63 - 5)
    assert serde.deserialize(data) == WindowedKey(("k",), 2**63 - 5, 2**63 - 1)


def test_nulls_short_bytes_and_bad_windows() -> None:
    key = make_serde("KAFKA", [C("K", STRING)], is_key=True)
    tumbling = WindowedSerde(key, "TUMBLING", 1000)
    assert tumbling.serialize(None) is None
    assert tumbling.deserialize(None) is None
    assert tumbling.deserialize(b"") is None
    with pytest.raises(DeserializationError):
        tumbling.deserialize(b"1234")
    with pytest.raises(DeserializationError):
        WindowedSerde(key, "SESSION").deserialize(b"12345678")
    with pytest.raises(SerializationError):
        tumbling.serialize(WindowedKey((None,), 0, 1000))
    with pytest.raises(FormatError, match="need a window size"):
        WindowedSerde(key, "TUMBLING")
    with pytest.raises(FormatError, match="Unknown window type"):
        WindowedSerde(key, "SLIDING", 5)
