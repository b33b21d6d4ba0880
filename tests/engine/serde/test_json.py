"""JSON keys and values: ksqlDB's coercions, field matching, encodings and error messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.serde import SerdeColumn, SerdeFeature, make_serde, row_from_json
from ksqlmv.errors import DeserializationError, SerializationError
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
    MapType,
    SqlType,
    StructField,
    StructType,
)

C = SerdeColumn
UNWRAP = [SerdeFeature.UNWRAP_SINGLES]
POINT = StructType((StructField("X", INTEGER), StructField("Y", INTEGER)))


def serde(*columns: SerdeColumn, unwrapped: bool = False, is_key: bool = False) -> Any:
    features = UNWRAP if unwrapped else None
    return make_serde("JSON", columns, is_key=is_key, features=features, topic="t")


# (column type, JSON text of an unwrapped value, the value read)
READS: list[tuple[SqlType, str, Any]] = [
    (BOOLEAN, "true", True),
    (BOOLEAN, "false", False),
    (INTEGER, "33", 33),
    (INTEGER, '"22"', 22),
    (INTEGER, "1.9", 1),
    (INTEGER, "-1.9", -1),
    (INTEGER, "3000000000", -1294967296),  # Java's intValue() keeps the low 32 bits
    (BIGINT, "998877665544332211", 998877665544332211),
    (BIGINT, '"-10"', -10),
    (BIGINT, "1e3", 1000),
    (DOUBLE, "654.321", 654.321),
    (DOUBLE, "10", 10.0),
    (DOUBLE, '"1.5"', 1.5),
    (DOUBLE, '" 2.5d "', 2.5),  # Double.parseDouble trims and takes a suffix
    (DOUBLE, '"NaN"', "nan"),
    (STRING, '"Hey"', "Hey"),
    (STRING, "10", "10"),
    (STRING, "1.50", "1.50"),  # BigDecimal text, trailing zero kept
    (STRING, "1e2", "1E+2"),
    (STRING, "true", "true"),
    (STRING, '{"a": 1, "b": [1.0, "x"]}', '{"a":1,"b":[1.0,"x"]}'),
    (STRING, '[1, "a", null]', "[1, a, null]"),
    (STRING, "", ""),  # empty input is Jackson's MissingNode, whose text is ""
    (DecimalType(6, 4), "12.3650", Decimal("12.3650")),
    (DecimalType(6, 4), "12", Decimal("12.0000")),
    (DecimalType(6, 4), '"0.1"', Decimal("0.1000")),
    (DecimalType(21, 19), "10.123451234512345", Decimal("10.1234512345123450000")),
    (BYTES, '"dmFyaWF0aW9ucw=="', b"variations"),
    (TIMESTAMP, "1700000000123", 1700000000123),
    (TIMESTAMP, '"5"', 5),
    (DATE, "19000", 19000),
    (TIME, "86400000", 86400000),
    (ArrayType(DOUBLE), "[10.10, null]", [10.1, None]),
    (ArrayType(STRING), "[1, 2, 3]", ["1", "2", "3"]),
    (MapType(STRING, INTEGER), '{"a": 1, "b": null}', {"a": 1, "b": None}),
    (POINT, '{"x": 1, "Y": "2", "z": 3}', {"X": 1, "Y": 2}),
    (POINT, '{"X": 1}', {"X": 1, "Y": None}),
    (POINT, "null", None),
    (INTEGER, "1 2", 1),  # content after the first value is ignored, as Jackson does
    (INTEGER, "\ufeff 7", 7),
]


@pytest.mark.parametrize(("sql_type", "text", "expected"), READS)
def test_reads_an_unwrapped_value(sql_type: SqlType, text: str, expected: Any) -> None:
    (value,) = serde(C("V", sql_type), unwrapped=True).deserialize(text.encode())
    if expected == "nan":
        assert value != value
    else:
        assert value == expected
        assert type(value) is type(expected)


# (column type, JSON text, ksqlDB's message after "Failed to deserialize value from topic: t. ")
READ_ERRORS: list[tuple[SqlType, str, str]] = [
    (BOOLEAN, '"true"', "Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $"),
    (INTEGER, '"x"', "Can't coerce string to type. targetType: INTEGER, path: $"),
    (INTEGER, '"2147483648"', "Can't coerce string to type. targetType: INTEGER, path: $"),
    (
        INTEGER,
        "true",
        "Can't convert type. sourceType: BooleanNode, requiredType: INTEGER, path: $",
    ),
    (INTEGER, "[1]", "Can't convert type. sourceType: ArrayNode, requiredType: INTEGER, path: $"),
    (INTEGER, "", "Can't convert type. sourceType: MissingNode, requiredType: INTEGER, path: $"),
    (BIGINT, "{}", "Can't convert type. sourceType: ObjectNode, requiredType: BIGINT, path: $"),
    (DOUBLE, '"1,5"', "Can't coerce string to type. targetType: DOUBLE, path: $"),
    (
        TIME,
        "-1",
        "Time values must use number of milliseconds greater than 0 and less than "
        "86400000., path: $",
    ),
    (
        TIMESTAMP,
        "true",
        "Can't convert type. sourceType: BooleanNode, requiredType: TIMESTAMP, path: $",
    ),
    (
        DecimalType(4, 2),
        "123",
        "Numeric field overflow: A field with precision 4 and scale 2 "
        "must round to an absolute value less than 10^2. Got 123, path: $",
    ),
    (
        DecimalType(4, 2),
        "1.234",
        "Cannot fit decimal '1.234' into DECIMAL(4, 2) without rounding. (Requires 4,3), path: $",
    ),
    (
        DecimalType(4, 2),
        "true",
        "Can't convert type. sourceType: BooleanNode, requiredType: DECIMAL(4, 2), path: $",
    ),
    (BYTES, '"not base64!"', "Value is not a valid Base64 encoded string: not base64!, path: $"),
    (BYTES, "12", "Can't convert type. sourceType: IntNode, requiredType: BYTES, path: $"),
    (
        ArrayType(INTEGER),
        '[1, "x"]',
        "Can't coerce string to type. targetType: INTEGER, path: $[1]",
    ),
    (
        ArrayType(STRING),
        "{}",
        "Can't convert type. sourceType: ObjectNode, requiredType: ARRAY<VARCHAR>, path: $",
    ),
    (
        MapType(STRING, TIME),
        '{"k": 99999999999}',
        "Time values must use number of milliseconds"
        " greater than 0 and less than 86400000., path: $.k.value",
    ),
    (
        POINT,
        '{"X": 1, "Y": false}',
        "Can't convert type. sourceType: BooleanNode, requiredType: INTEGER, path: $.Y",
    ),
    (
        POINT,
        "7",
        "Can't convert type. sourceType: IntNode, requiredType: STRUCT<X INT, Y INT>, path: $",
    ),
    (
        INTEGER,
        "NaN",
        "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
    ),
    (
        INTEGER,
        "nope",
        "Unrecognized token 'nope': was expecting (JSON String, Number, Array, "
        "Object or token 'null', 'true' or 'false')",
    ),
    (
        INTEGER,
        "#",
        "Unexpected character ('#' (code 35)): expected a valid value (JSON String, "
        "Number, Array, Object or token 'null', 'true' or 'false')",
    ),
]


@pytest.mark.parametrize(("sql_type", "text", "message"), READ_ERRORS)
def test_a_value_that_does_not_fit_fails_with_ksqldbs_message(
    sql_type: SqlType, text: str, message: str
) -> None:
    with pytest.raises(DeserializationError) as caught:
        serde(C("V", sql_type), unwrapped=True).deserialize(text.encode())
    assert caught.value.message == f"Failed to deserialize value from topic: t. {message}"
    assert caught.value.topic == "t"
    assert caught.value.target == "value"


def test_fields_match_exactly_first_then_upper_cased() -> None:
    columns = (C("ID", INTEGER), C("name", STRING), C("CITY", STRING))
    read = serde(*columns).deserialize
    assert read(b'{"id": 1, "name": "a", "NAME": "b", "city": "x"}') == (1, "a", "x")
    assert read(b'{"Id": 1, "NAME": "b"}') == (1, None, None)  # `name` is case-sensitive
    assert read(b'{"ID": null, "id": 5}') == (None, None, None)  # an exact null wins


def test_a_wrapped_value_needs_an_object_and_a_json_null_is_not_a_tombstone() -> None:
    read = serde(C("ID", INTEGER), C("NAME", STRING)).deserialize
    assert read(None) is None
    with pytest.raises(DeserializationError) as caught:
        read(b"null")
    assert "Struct.schema()" in caught.value.message
    with pytest.raises(DeserializationError) as caught:
        read(b'[1, "a"]')
    assert caught.value.message.endswith(
        "sourceType: ArrayNode, requiredType: STRUCT<ID INT, NAME VARCHAR>, path: $"
    )
    with pytest.raises(DeserializationError) as caught:
        read(b'{"ID": "one"}')
    assert caught.value.causes[0] == "Can't coerce string to type. targetType: INTEGER, path: $.ID"
    assert caught.value.causes[1] == 'For input string: "one"'


def test_an_unwrapped_json_null_is_a_row_with_a_null_column() -> None:
    single = serde(C("V", INTEGER), unwrapped=True)
    assert single.deserialize(b"null") == (None,)
    assert single.serialize((None,)) is None  # written as a null record value
    assert single.deserialize(None) is None


# (column type, value, JSON written)
WRITES: list[tuple[SqlType, Any, str]] = [
    (BOOLEAN, True, "true"),
    (INTEGER, -5, "-5"),
    (BIGINT, 998877665544332211, "998877665544332211"),
    (DOUBLE, 654.321, "654.321"),
    (DOUBLE, 1e10, "1.0E10"),
    (DOUBLE, 0.0001, "1.0E-4"),
    (DOUBLE, 100.0, "100.0"),
    (DOUBLE, float("nan"), '"NaN"'),
    (DOUBLE, float("-inf"), '"-Infinity"'),
    (STRING, 'a"b\\c\n\u00e9\u2028', '"a\\"b\\\\c\\n\u00e9\u2028"'),
    (DecimalType(6, 4), Decimal("12.3650"), "12.3650"),
    (DecimalType(10, 9), Decimal("0.000000001"), "1E-9"),  # BigDecimal.toString
    (BYTES, b"variations", '"dmFyaWF0aW9ucw=="'),
    (TIMESTAMP, 1700000000123, "1700000000123"),
    (DATE, 19000, "19000"),
    (TIME, 3600000, "3600000"),
    (ArrayType(BIGINT), [12, None, 999], "[12,null,999]"),
    (MapType(STRING, DOUBLE), {"a": 1.5, "b": None}, '{"a":1.5,"b":null}'),
    (POINT, {"X": 1, "Y": None}, '{"X":1,"Y":null}'),
    (ArrayType(POINT), [{"X": 1, "Y": 2}], '[{"X":1,"Y":2}]'),
]


@pytest.mark.parametrize(("sql_type", "value", "text"), WRITES)
def test_writes_as_ksqldb_does(sql_type: SqlType, value: Any, text: str) -> None:
    unwrapped = serde(C("V", sql_type), unwrapped=True)
    assert unwrapped.serialize((value,)) == text.encode()
    wrapped = serde(C("V", sql_type))
    assert wrapped.serialize((value,)) == ('{"V":' + text + "}").encode()


@pytest.mark.parametrize(("sql_type", "value", "text"), WRITES)
def test_what_is_written_reads_back(sql_type: SqlType, value: Any, text: str) -> None:
    json = serde(C("V", sql_type))
    (read,) = json.deserialize(json.serialize((value,)))
    if isinstance(value, float) and value != value:
        assert read != read
    else:
        assert read == value


def test_a_null_map_key_is_written_as_the_text_null_as_connect_does() -> None:
    json = serde(C("M", MapType(STRING, INTEGER)), unwrapped=True)
    assert json.serialize(({None: 10, "a": None},)) == b'{"null":10,"a":null}'


def test_rows_keep_column_order_and_nulls() -> None:
    json = serde(C("B", STRING), C("A", INTEGER), C("C", DOUBLE))
    assert json.serialize(("x", None, 2.0)) == b'{"B":"x","A":null,"C":2.0}'
    assert json.serialize(None) is None


def test_a_multi_column_key_is_an_object_and_a_single_key_is_unwrapped_by_default() -> None:
    keys = make_serde("JSON", [C("K1", STRING), C("K2", STRING)], is_key=True, topic="t")
    assert keys.features == frozenset()
    assert keys.serialize(("foo", "bar")) == b'{"K1":"foo","K2":"bar"}'
    single = make_serde("JSON", [C("K", POINT)], is_key=True, topic="t")
    assert single.features == {SerdeFeature.UNWRAP_SINGLES}
    assert single.deserialize(b'{"x": 45}') == ({"X": 45, "Y": None},)


def test_writing_a_value_of_the_wrong_type_fails_for_that_record() -> None:
    json = serde(C("ID", INTEGER), C("NAME", STRING))
    with pytest.raises(SerializationError) as caught:
        json.serialize(("one", "a"))
    assert caught.value.message == (
        'Invalid Java object for schema with type INT32: class java.lang.String for field: "ID"'
    )
    single = serde(C("AT", TIMESTAMP), unwrapped=True)
    with pytest.raises(SerializationError) as caught:
        single.serialize((1.5,))
    assert caught.value.message == (
        "Error serializing message to topic: t. Invalid Java object for schema "
        '"org.apache.kafka.connect.data.Timestamp" with type INT64: class java.lang.Double for '
        'field: "AT"\nHint: You probably forgot to add VALUE_SCHEMA_ID when creating the source.'
    )
    nested = serde(C("P", POINT), C("N", INTEGER))
    with pytest.raises(SerializationError, match=r'class java\.lang\.String for field: "Y"'):
        nested.serialize(({"X": 1, "Y": "2"}, 1))
    with pytest.raises(SerializationError) as caught:
        json.serialize((1,))
    assert caught.value.message == (
        "Column count mismatch on serialization. topic: t, expected: 2, got: 1"
    )


def test_row_from_json_reads_test_case_values_as_a_json_source_does() -> None:
    columns = [C("ID", BIGINT), C("PRICE", DecimalType(4, 2)), C("AT", TIMESTAMP)]
    assert row_from_json(columns, {"id": 1, "PRICE": Decimal("10.1"), "at": "5"}) == (
        1,
        Decimal("10.10"),
        5,
    )
    with pytest.raises(ValueError, match=r"targetType: BIGINT, path: \$\.ID"):
        row_from_json(columns, {"ID": "x"})
