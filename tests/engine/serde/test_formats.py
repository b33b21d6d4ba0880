"""Which format carries what: features, properties, key types, and ksqlDB's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.engine.catalog.formats import FormatInfo
from ksqlmv.engine.serde import (
    InMemorySchemaRegistry,
    SerdeColumn,
    SerdeFeature,
    format_properties,
    key_features,
    key_schema_full_name,
    make_serde,
    parse_delimiter,
    supports_key_type,
    value_features,
)
from ksqlmv.errors import FormatError
from ksqlmv.sql.types import (
    BOOLEAN,
    DOUBLE,
    INTEGER,
    STRING,
    TIMESTAMP,
    ArrayType,
    DecimalType,
    MapType,
    StructField,
    StructType,
)

C = SerdeColumn
WRAP = frozenset({SerdeFeature.WRAP_SINGLES})
UNWRAP = frozenset({SerdeFeature.UNWRAP_SINGLES})
NONE: frozenset[SerdeFeature] = frozenset()


@pytest.mark.parametrize(
    ("format_name", "count", "features"),
    [
        ("JSON", 1, UNWRAP),
        ("AVRO", 1, UNWRAP),
        ("JSON", 2, NONE),
        ("KAFKA", 1, NONE),
        ("DELIMITED", 1, NONE),
        ("NONE", 0, NONE),
    ],
)
def test_key_features(format_name: str, count: int, features: frozenset[SerdeFeature]) -> None:
    assert key_features(format_name, count) == features


@pytest.mark.parametrize(
    ("format_name", "count", "explicit", "default", "features"),
    [
        ("JSON", 1, None, True, WRAP),
        ("JSON", 1, None, False, UNWRAP),
        ("JSON", 1, None, None, NONE),
        ("JSON", 2, None, True, NONE),
        ("AVRO", 1, False, True, UNWRAP),
        ("KAFKA", 1, None, True, NONE),
        ("KAFKA", 1, False, True, UNWRAP),
        ("DELIMITED", 1, None, True, NONE),
        ("DELIMITED", 1, None, False, UNWRAP),
    ],
)
def test_value_features(
    format_name: str,
    count: int,
    explicit: bool | None,
    default: bool | None,
    features: frozenset[SerdeFeature],
) -> None:
    chosen = value_features(format_name, count, wrap_single_value=explicit, default_wrap=default)
    assert chosen == features


@pytest.mark.parametrize(
    ("format_name", "count", "explicit", "message"),
    [
        ("KAFKA", 1, True, "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'."),
        (
            "DELIMITED",
            1,
            True,
            "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
        ),
        ("JSON", 2, True, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"),
        ("AVRO", 2, False, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"),
    ],
)
def test_wrap_single_value_refusals(
    format_name: str, count: int, explicit: bool, message: str
) -> None:
    with pytest.raises(FormatError) as caught:
        value_features(format_name, count, wrap_single_value=explicit)
    assert str(caught.value) == message


MAP_KEY = (
    "Map keys, including types that contain maps, are not supported as they may lead to "
    "unexpected behavior due to inconsistent serialization. Key column name: `{name}`. Column "
    "type: {type}. See https://github.com/confluentinc/ksql/issues/6621 for more."
)

# (format, columns, is_key, properties, the message ksqlDB gives)
REFUSALS: list[tuple[str, list[C], bool, dict[str, str], str]] = [
    ("FOO", [], False, {}, "Unknown format: FOO"),
    (
        "json",
        [C("V", INTEGER)],
        False,
        {"fullSchemaName": "x"},
        "JSON does not support the following configs: [fullSchemaName]",
    ),
    (
        "JSON",
        [C("V", INTEGER)],
        False,
        {"delimiter": "|"},
        "JSON does not support the following configs: [delimiter]",
    ),
    (
        "AVRO",
        [C("V", INTEGER)],
        False,
        {"fullSchemaName": ""},
        "fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}",
    ),
    (
        "JSON",
        [C("K", MapType(INTEGER, DOUBLE))],
        True,
        {},
        MAP_KEY.format(name="K", type="MAP<INTEGER, DOUBLE>"),
    ),
    (
        "AVRO",
        [C("K", ArrayType(MapType(INTEGER, DOUBLE)))],
        True,
        {},
        MAP_KEY.format(name="K", type="ARRAY<MAP<INTEGER, DOUBLE>>"),
    ),
    (
        "KAFKA",
        [C("KSQL_COL_0", StructType((StructField("F", MapType(STRING, STRING)),)))],
        True,
        {},
        MAP_KEY.format(name="KSQL_COL_0", type="STRUCT<`F` MAP<STRING, STRING>>"),
    ),
    (
        "KAFKA",
        [C("K", BOOLEAN)],
        True,
        {},
        "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` "
        "BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'",
    ),
    (
        "KAFKA",
        [C("K", DecimalType(21, 19))],
        True,
        {},
        "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` "
        "DECIMAL(21, 19) KEY], features=[]}\nreason: The 'KAFKA' format does not support type "
        "'DECIMAL'",
    ),
    (
        "KAFKA",
        [C("V", TIMESTAMP)],
        False,
        {},
        "The 'KAFKA' format does not support type 'TIMESTAMP'",
    ),
    (
        "KAFKA",
        [C("V0", INTEGER), C("V1", STRING)],
        False,
        {},
        "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    ),
    (
        "DELIMITED",
        [C("K", StructType((StructField("F", DOUBLE),)))],
        True,
        {},
        "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` "
        "STRUCT<`F` DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support "
        "type 'STRUCT', column: `K`",
    ),
    (
        "NONE",
        [C("K", STRING)],
        True,
        {},
        "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
    ),
    (
        "NONE",
        [C("FOO", INTEGER)],
        False,
        {},
        "The 'NONE' format can only be used when no columns are defined. Got: [`FOO` INTEGER]",
    ),
    (
        "JSON",
        [C("FOO", MapType(INTEGER, DOUBLE))],
        False,
        {},
        "JSON only supports MAP types with STRING keys",
    ),
    (
        "AVRO",
        [C("FOO", MapType(INTEGER, DOUBLE))],
        False,
        {},
        "Avro only supports MAPs with STRING keys",
    ),
    (
        "AVRO",
        [C("1AvroDoesNotLikeFieldsThatStartWithNumbers", DOUBLE)],
        False,
        {},
        "Schema is not compatible with Avro: Illegal initial character: "
        "1AvroDoesNotLikeFieldsThatStartWithNumbers",
    ),
    (
        "AVRO",
        [C("a-b", DOUBLE)],
        False,
        {},
        "Schema is not compatible with Avro: Illegal character in: a-b",
    ),
    ("PROTOBUF", [C("V", INTEGER)], False, {}, "The 'PROTOBUF' format is not supported by ksqlmv"),
]


@pytest.mark.parametrize(("format_name", "columns", "is_key", "properties", "message"), REFUSALS)
def test_a_format_refuses_what_it_cannot_carry_with_ksqldbs_message(
    format_name: str,
    columns: list[C],
    is_key: bool,
    properties: dict[str, str],
    message: str,
) -> None:
    with pytest.raises(FormatError) as caught:
        make_serde(
            format_name,
            columns,
            properties,
            is_key=is_key,
            topic="t",
            registry=InMemorySchemaRegistry(),
        )
    assert message in str(caught.value)


def test_unsupported_features_and_unwrapping_many_columns_are_refused() -> None:
    with pytest.raises(FormatError, match=r"Unsupported features: \[WRAP_SINGLES\]"):
        make_serde("KAFKA", [C("V", INTEGER)], features=[SerdeFeature.WRAP_SINGLES])
    with pytest.raises(FormatError, match="Unwrapping only valid for single columns"):
        make_serde("JSON", [C("A", INTEGER), C("B", INTEGER)], features=["UNWRAP_SINGLES"])


def test_format_descriptions_and_feature_names_are_accepted() -> None:
    info = FormatInfo("DELIMITED", (("delimiter", "|"),))
    serde = make_serde(info, [C("A", INTEGER), C("B", STRING)])
    assert serde.serialize((1, "x")) == b"1|x"
    for name in ("WRAP_SINGLE_VALUES", "WRAP_SINGLES"):  # ksqlDB's names, as strings
        wrapped = make_serde("JSON", [C("A", INTEGER)], features=[name])
        assert wrapped.serialize((1,)) == b'{"A":1}'


@pytest.mark.parametrize(
    ("text", "delimiter"), [(",", ","), ("|", "|"), ("TAB", "\t"), ("SPACE", " "), ("$", "$")]
)
def test_delimiters(text: str, delimiter: str) -> None:
    assert parse_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, "
            "please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
        ),
        (" ", "Delimiter cannot be empty"),
        ("\t", "Delimiter cannot be empty"),
        (
            "<~>",
            "Invalid delimiter value: '<~>'. Delimiter must be a single character or "
            "TAB,SPACE\nExample valid value: ';'",
        ),
    ],
)
def test_bad_delimiters(text: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_delimiter(text)
    assert str(caught.value).startswith("Configuration VALUE_DELIMITER is invalid: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("with_properties", "format_name", "is_key", "expected"),
    [
        ({"VALUE_DELIMITER": "TAB"}, "DELIMITED", False, {"delimiter": "TAB"}),
        ({"key_delimiter": ";"}, "DELIMITED", True, {"delimiter": ";"}),
        ({}, "AVRO", True, {"fullSchemaName": "io.confluent.ksql.avro_schemas.OutputKey"}),
        ({"KEY_SCHEMA_FULL_NAME": "a.B"}, "AVRO", True, {"fullSchemaName": "a.B"}),
        ({"VALUE_AVRO_SCHEMA_FULL_NAME": " "}, "AVRO", False, {"fullSchemaName": ""}),
        ({"VALUE_SCHEMA_ID": 102}, "AVRO", False, {"schemaId": "102"}),
        ({}, "JSON", True, {}),
    ],
)
def test_format_properties_from_a_with_clause(
    with_properties: dict[str, Any], format_name: str, is_key: bool, expected: dict[str, str]
) -> None:
    got = format_properties(with_properties, format_name, is_key=is_key, source_name="OUTPUT")
    assert got == expected


def test_both_avro_full_name_properties_are_refused() -> None:
    with pytest.raises(FormatError, match="Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME'"):
        format_properties(
            {"VALUE_AVRO_SCHEMA_FULL_NAME": "a", "VALUE_SCHEMA_FULL_NAME": "b"},
            "AVRO",
            is_key=False,
        )


@pytest.mark.parametrize(
    ("source", "name"),
    [("OUTPUT", "OutputKey"), ("MY_STREAM", "MyStreamKey"), ("S2", "S2Key"), ("t", "TKey")],
)
def test_key_schema_names(source: str, name: str) -> None:
    assert key_schema_full_name(source) == f"io.confluent.ksql.avro_schemas.{name}"


def test_key_types_per_format() -> None:
    assert supports_key_type("KAFKA", INTEGER)
    assert not supports_key_type("KAFKA", BOOLEAN)
    assert supports_key_type("DELIMITED", BOOLEAN)
    assert not supports_key_type("DELIMITED", ArrayType(INTEGER))
    assert supports_key_type("JSON", ArrayType(INTEGER))
    assert not supports_key_type("NONE", INTEGER)


def test_no_columns_is_void_for_keys_kafka_and_none_and_an_empty_record_elsewhere() -> None:
    registry = InMemorySchemaRegistry()
    for name in ("KAFKA", "NONE", "JSON", "DELIMITED", "AVRO"):
        void = make_serde(name, [], is_key=True, topic="t", registry=registry)
        assert void.serialize(()) is None
        assert void.deserialize(b"anything") is None
    assert make_serde("KAFKA", [], topic="t").deserialize(b"x") is None
    json = make_serde("JSON", [], topic="t")
    assert json.serialize(()) == b"{}"
    assert json.deserialize(b'{"ignored": 1}') == ()
    avro = make_serde("AVRO", [], topic="t", registry=registry)
    assert avro.deserialize(avro.serialize(())) == ()
