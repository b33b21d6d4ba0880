"""The Avro schemas ksqlDB registers for sinks, generated as Connect's AvroData writes them."""

from __future__ import annotations

from typing import Any

import fastavro
import pytest

from ksqlmv.engine.serde import SerdeColumn, sink_schema, sink_schema_text
from ksqlmv.errors import FormatError
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
NS = "io.confluent.ksql.avro_schemas"


def optional(avro: Any) -> list[Any]:
    return ["null", avro]


def field(name: str, avro: Any) -> dict[str, Any]:
    return {"name": name, "type": optional(avro), "default": None}


def test_a_value_record_as_ksqldb_registers_it() -> None:
    schema = sink_schema([C("FOO", INTEGER)])
    assert schema == {
        "type": "record",
        "name": "KsqlDataSourceSchema",
        "namespace": NS,
        "fields": [field("FOO", "int")],
        "connect.name": f"{NS}.KsqlDataSourceSchema",
    }


def test_a_nested_struct_key_as_ksqldb_registers_it() -> None:
    inner = StructType((StructField("F1", INTEGER), StructField("F2", INTEGER)))
    schema = sink_schema([C("F1", inner)], full_name=f"{NS}.OutputKey")
    assert schema == {
        "type": "record",
        "name": "OutputKey",
        "namespace": NS,
        "fields": [
            field(
                "F1",
                {
                    "type": "record",
                    "name": "OutputKey_F1",
                    "fields": [field("F1", "int"), field("F2", "int")],
                    "connect.name": f"{NS}.OutputKey_F1",
                },
            )
        ],
        "connect.name": f"{NS}.OutputKey",
    }


CONNECT = "org.apache.kafka.connect.data."

# (column type, the Avro type of its field inside the value record)
FIELD_TYPES: list[tuple[SqlType, Any]] = [
    (BOOLEAN, "boolean"),
    (INTEGER, "int"),
    (BIGINT, "long"),
    (DOUBLE, "double"),
    (STRING, "string"),
    (BYTES, "bytes"),
    (
        DecimalType(4, 2),
        {
            "type": "bytes",
            "scale": 2,
            "precision": 4,
            "connect.version": 1,
            "connect.parameters": {"scale": "2", "connect.decimal.precision": "4"},
            "connect.name": CONNECT + "Decimal",
            "logicalType": "decimal",
        },
    ),
    (
        TIMESTAMP,
        {
            "type": "long",
            "connect.version": 1,
            "connect.name": CONNECT + "Timestamp",
            "logicalType": "timestamp-millis",
        },
    ),
    (
        DATE,
        {
            "type": "int",
            "connect.version": 1,
            "connect.name": CONNECT + "Date",
            "logicalType": "date",
        },
    ),
    (
        TIME,
        {
            "type": "int",
            "connect.version": 1,
            "connect.name": CONNECT + "Time",
            "logicalType": "time-millis",
        },
    ),
    (ArrayType(BIGINT), {"type": "array", "items": optional("long")}),
    (
        MapType(STRING, INTEGER),
        {
            "type": "array",
            "items": {
                "type": "record",
                "name": "KsqlDataSourceSchema_V",
                "fields": [field("key", "string"), field("value", "int")],
                "connect.internal.type": "MapEntry",
            },
            "connect.name": f"{NS}.KsqlDataSourceSchema_V",
        },
    ),
    (
        ArrayType(StructType((StructField("A", STRING),))),
        {
            "type": "array",
            "items": optional(
                {
                    "type": "record",
                    "name": "KsqlDataSourceSchema_V",
                    "fields": [field("A", "string")],
                    "connect.name": f"{NS}.KsqlDataSourceSchema_V",
                }
            ),
        },
    ),
]


@pytest.mark.parametrize(("sql_type", "avro"), FIELD_TYPES)
def test_each_type_as_a_field(sql_type: SqlType, avro: Any) -> None:
    schema = sink_schema([C("V", sql_type)])
    assert schema["fields"] == [field("V", avro)]
    fastavro.parse_schema(schema)  # and it is valid Avro


def test_map_values_and_their_structs_are_named_after_the_map() -> None:
    value = StructType((StructField("A", INTEGER),))
    schema = sink_schema([C("M", MapType(STRING, value))])
    entry = schema["fields"][0]["type"][1]["items"]
    assert entry["name"] == "KsqlDataSourceSchema_M"
    assert entry["fields"][1]["type"][1]["name"] == "KsqlDataSourceSchema_M_MapValue"
    fastavro.parse_schema(schema)


@pytest.mark.parametrize(
    ("sql_type", "avro"),
    [
        (INTEGER, "int"),
        (ArrayType(BIGINT), {"type": "array", "items": ["null", "long"]}),
        (
            DecimalType(4, 2),
            {
                "type": "bytes",
                "scale": 2,
                "precision": 4,
                "connect.parameters": {"scale": "2", "connect.decimal.precision": "4"},
                "connect.name": CONNECT + "Decimal",
                "logicalType": "decimal",
            },
        ),
        (
            StructType((StructField("F0", INTEGER),)),
            {
                "type": "record",
                "name": "KsqlDataSourceSchema",
                "namespace": NS,
                "fields": [field("F0", "int")],
                "connect.name": f"{NS}.KsqlDataSourceSchema",
            },
        ),
    ],
)
def test_an_unwrapped_column_is_its_type_alone_and_not_optional(
    sql_type: SqlType, avro: Any
) -> None:
    assert sink_schema([C("V", sql_type)], unwrapped=True) == avro


def test_a_custom_full_name_without_namespace() -> None:
    schema = sink_schema([C("S", StructType((StructField("A", INTEGER),)))], full_name="Custom")
    assert schema["name"] == "Custom" and "namespace" not in schema
    assert schema["fields"][0]["type"][1]["name"] == "Custom_S"
    assert sink_schema_text([C("A", INTEGER)], full_name="com.acme.Thing").startswith(
        '{"type":"record","name":"Thing","namespace":"com.acme"'
    )


def test_dots_in_column_names_become_underscores() -> None:
    schema = sink_schema([C("T.COL", INTEGER)])
    assert schema["fields"][0]["name"] == "T_COL"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("1ABC", "Illegal initial character: 1ABC"),
        ("A-B", "Illegal character in: A-B"),
        ("", "Empty name"),
    ],
)
def test_names_avro_refuses(name: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        sink_schema([C(name, INTEGER)])
    assert str(caught.value) == f"Schema is not compatible with Avro: {message}"
