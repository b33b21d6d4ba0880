"""KAFKA: Kafka's own serde layouts for one column, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.engine.serde import SerdeColumn, make_serde
from ksqlmv.errors import DeserializationError, FormatError, SerializationError
from ksqlmv.sql.types import BIGINT, BYTES, DOUBLE, INTEGER, STRING, SqlType

C = SerdeColumn

# (type, value, bytes)
LAYOUTS: list[tuple[SqlType, Any, bytes]] = [
    (INTEGER, 1, b"\x00\x00\x00\x01"),
    (INTEGER, -2, b"\xff\xff\xff\xfe"),
    (BIGINT, 998877665544332211, (998877665544332211).to_bytes(8, "big")),
    (DOUBLE, 1.1, b"\x3f\xf1\x99\x99\x99\x99\x99\x9a"),
    (STRING, "héllo", "héllo".encode()),
    (STRING, "", b""),
    (BYTES, b"\x00\x01", b"\x00\x01"),
]


@pytest.mark.parametrize(("sql_type", "value", "data"), LAYOUTS)
def test_writes_and_reads_kafkas_layouts(sql_type: SqlType, value: Any, data: bytes) -> None:
    for is_key in (True, False):
        serde = make_serde("KAFKA", [C("V", sql_type)], is_key=is_key, topic="t")
        assert serde.serialize((value,)) == data
        assert serde.deserialize(data) == (value,)
        assert serde.serialize((None,)) is None
        assert serde.deserialize(None) is None


def test_invalid_utf8_reads_with_replacement_characters_as_java_does() -> None:
    serde = make_serde("KAFKA", [C("V", STRING)], topic="t")
    assert serde.deserialize(b"a\xffb") == ("a\ufffdb",)


@pytest.mark.parametrize(
    ("sql_type", "cause"),
    [
        (INTEGER, "Size of data received by IntegerDeserializer is not 4"),
        (BIGINT, "Size of data received by LongDeserializer is not 8"),
        (DOUBLE, "Size of data received by DoubleDeserializer is not 8"),
    ],
)
def test_a_wrong_size_fails_with_kafkas_message(sql_type: SqlType, cause: str) -> None:
    serde = make_serde("KAFKA", [C("V", sql_type)], is_key=True, topic="t")
    with pytest.raises(DeserializationError) as caught:
        serde.deserialize(b"\x00\x01\x02")
    assert caught.value.message == "Error deserializing KAFKA message from topic: t"
    assert caught.value.causes == (cause,)
    assert caught.value.target == "key"


def test_a_value_of_the_wrong_type_fails_to_write() -> None:
    serde = make_serde("KAFKA", [C("V", INTEGER)], topic="t")
    with pytest.raises(SerializationError) as caught:
        serde.serialize(("one",))
    assert caught.value.message == (
        "value does not match expected type. expected: Integer, but got: String"
    )
    with pytest.raises(SerializationError, match="expected: 1, got: 2"):
        serde.serialize((1, 2))


def test_no_columns_is_a_void_serde_as_for_keyless_streams() -> None:
    serde = make_serde("KAFKA", [], is_key=True, topic="t")
    assert serde.serialize(()) is None
    assert serde.deserialize(b"ignored") is None


def test_more_than_one_column_is_refused() -> None:
    with pytest.raises(FormatError) as caught:
        make_serde("KAFKA", [C("V0", INTEGER), C("V1", STRING)], topic="t")
    assert "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]" in (
        str(caught.value)
    )
