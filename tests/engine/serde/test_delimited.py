"""DELIMITED: Commons CSV 1.4's reading and quoting, delimiters, types and errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.serde import SerdeColumn, make_serde
from ksqlmv.engine.serde._delimited import parse_record, write_record
from ksqlmv.errors import DeserializationError, FormatError, SerializationError
from ksqlmv.sql.types import (
    BIGINT,
    BOOLEAN,
    BYTES,
    DATE,
    DOUBLE,
    INTEGER,
    STRING,
    TIME,
    TIMESTAMP,
    ArrayType,
    DecimalType,
    SqlType,
)

C = SerdeColumn

# (text, delimiter, fields of its first record)
RECORDS: list[tuple[str, str, list[str] | None]] = [
    ("a,b,c", ",", ["a", "b", "c"]),
    ("a,,c,", ",", ["a", "", "c", ""]),
    ('"a,b",c', ",", ["a,b", "c"]),
    ('"say ""hi""",x', ",", ['say "hi"', "x"]),
    ('"a"  ,b', ",", ["a", "b"]),  # whitespace may follow a closing quote
    ('a"b,c', ",", ['a"b', "c"]),  # a quote inside an unquoted field is just a character
    ('"multi\nline",x', ",", ["multi\nline", "x"]),
    ("a,b\nc,d", ",", ["a", "b"]),  # only the first record counts
    ("\n\na,b", ",", ["a", "b"]),  # empty lines first are skipped
    ("a,b\r\n", ",", ["a", "b"]),
    ("", ",", None),
    ("\n", ",", None),
    (" ", ",", [" "]),
    ("0|zero|0", "|", ["0", "zero", "0"]),
    ("0\tzero", "\t", ["0", "zero"]),
]


@pytest.mark.parametrize(("text", "delimiter", "fields"), RECORDS)
def test_reads_the_first_record_as_commons_csv_does(
    text: str, delimiter: str, fields: list[str] | None
) -> None:
    assert parse_record(text, delimiter) == fields


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"open', "(startline 1) EOF reached before encapsulated token finished"),
        ('"a"b,c', "(line 1) invalid char between encapsulated token and delimiter"),
    ],
)
def test_broken_quoting_fails(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_record(text, ",")


# (fields, written record): Commons CSV 1.4 quotes a first field unless it starts with a letter
# or digit, any field that starts with a character up to '#', holds a quote, delimiter or line
# break, or ends with a space or control character
WRITTEN: list[tuple[list[str | None], str]] = [
    (["0", "zero", "0"], "0,zero,0"),
    (["-12345.12"], '"-12345.12"'),
    (["a", "-1"], "a,-1"),
    (["a", "#x"], 'a,"#x"'),
    (["a", "!x"], 'a,"!x"'),
    (["a", "x "], 'a,"x "'),
    (["a", "x,y"], 'a,"x,y"'),
    (["a", 'say "hi"'], 'a,"say ""hi"""'),
    (["a", "two\nlines"], 'a,"two\nlines"'),
    (["", "b"], '"",b'),
    (["a", ""], "a,"),
    ([None, None], ","),
    (["é"], '"é"'),
]


@pytest.mark.parametrize(("fields", "text"), WRITTEN)
def test_quotes_as_commons_csv_1_4(fields: list[str | None], text: str) -> None:
    assert write_record(fields, ",") == text
    assert parse_record(text, ",") == [field or "" for field in fields]


# (type, text read, value, text written)
VALUES: list[tuple[SqlType, str, Any, str]] = [
    (BOOLEAN, "true", True, "true"),
    (BOOLEAN, "TRUE", True, "true"),
    (BOOLEAN, "yes", False, "false"),  # Boolean.parseBoolean: anything but "true" is false
    (INTEGER, "33", 33, "33"),
    (BIGINT, "998877665544332211", 998877665544332211, "998877665544332211"),
    (DOUBLE, "654.321", 654.321, "654.321"),
    (DOUBLE, "1e10", 1e10, "1.0E10"),
    (STRING, "Hey", "Hey", "Hey"),
    (DecimalType(6, 4), "12.0", Decimal("12.0000"), "12.0000"),
    (DecimalType(33, 16), ".12", Decimal("0.1200000000000000"), "0.1200000000000000"),
    (BYTES, "dmFyaWF0aW9ucw==", b"variations", "dmFyaWF0aW9ucw=="),
    (BYTES, "YQ", b"a", "YQ=="),  # java.util.Base64 does not need the padding
    (TIMESTAMP, "1700000000123", 1700000000123, "1700000000123"),
    (DATE, "19000", 19000, "19000"),
    (TIME, "1000", 1000, "1000"),
]


@pytest.mark.parametrize(("sql_type", "text", "value", "written"), VALUES)
def test_reads_and_writes_each_primitive(
    sql_type: SqlType, text: str, value: Any, written: str
) -> None:
    serde = make_serde("DELIMITED", [C("K", STRING), C("V", sql_type)], topic="t")
    assert serde.deserialize(f"k,{text}".encode()) == ("k", value)
    assert serde.serialize(("k", value)) == f"k,{written}".encode()


def test_empty_fields_are_nulls_and_named_delimiters_work() -> None:
    serde = make_serde(
        "DELIMITED", [C("A", INTEGER), C("B", STRING)], {"delimiter": "TAB"}, topic="t"
    )
    assert serde.deserialize(b"\t") == (None, None)
    assert serde.deserialize(b'""\tx') == (None, "x")
    assert serde.serialize((None, "x")) == b"\tx"
    space = make_serde("DELIMITED", [C("A", INTEGER), C("B", STRING)], {"delimiter": "SPACE"})
    assert space.serialize((1, "a")) == b"1 a"


def test_a_single_null_column_is_written_as_empty_bytes_not_a_tombstone() -> None:
    serde = make_serde("DELIMITED", [C("V", INTEGER)], topic="t")
    assert serde.serialize((None,)) == b""
    assert serde.serialize(None) is None
    assert serde.deserialize(None) is None


@pytest.mark.parametrize(
    ("data", "causes"),
    [
        (b"", ("No fields in record",)),
        (b"1,2,3", ("Column count mismatch on deserialization. topic: t, expected: 2, got: 3",)),
        (b"x,2", ('For input string: "x"',)),
        (b"1, 2", ('For input string: " 2"',)),
        (b'"1', ("(startline 1) EOF reached before encapsulated token finished",)),
    ],
)
def test_a_record_that_does_not_parse_fails_with_ksqldbs_messages(
    data: bytes, causes: tuple[str, ...]
) -> None:
    serde = make_serde("DELIMITED", [C("A", INTEGER), C("B", BIGINT)], topic="t")
    with pytest.raises(DeserializationError) as caught:
        serde.deserialize(data)
    assert caught.value.message == "Error deserializing delimited"
    assert caught.value.causes == causes


def test_values_that_do_not_fit_fail() -> None:
    serde = make_serde("DELIMITED", [C("T", TIME), C("D", DecimalType(4, 2))], topic="t")
    with pytest.raises(DeserializationError) as caught:
        serde.deserialize(b"-5,1")
    assert caught.value.causes[0].startswith("Time values must use number of milliseconds")
    with pytest.raises(DeserializationError) as caught:
        serde.deserialize(b"5,abc")
    assert caught.value.causes[0].startswith("Character a is neither a decimal digit number")
    with pytest.raises(SerializationError) as caught:
        serde.serialize((5,))
    assert "expected: 2, got: 1" in caught.value.message


def test_structured_types_and_bad_delimiters_are_refused() -> None:
    with pytest.raises(FormatError, match="The 'DELIMITED' format does not support type 'ARRAY'"):
        make_serde("DELIMITED", [C("A", ArrayType(INTEGER))])
    with pytest.raises(FormatError, match="Delimiter must be a single character or TAB,SPACE"):
        make_serde("DELIMITED", [C("A", INTEGER)], {"delimiter": "<~>"})
