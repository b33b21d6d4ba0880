"""Columns inferred from registered Avro schemas, and ksqlDB's messages when they cannot be."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ksqlmv.engine.serde import InMemorySchemaRegistry, columns_from_avro, infer_columns
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


def record(*fields: tuple[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": "blah", "fields": [{"name": n, "type": t} for n, t in fields]}


MAP_ENTRY = {
    "type": "record",
    "name": "MapEntry",
    "namespace": "io.confluent.connect.avro",
    "fields": [{"name": "key", "type": "int"}, {"name": "value", "type": "string"}],
}

# (Avro type of one field, the column type ksqlDB infers)
FIELDS: list[tuple[Any, SqlType]] = [
    ("boolean", BOOLEAN),
    ("int", INTEGER),
    ("long", BIGINT),
    ("float", DOUBLE),
    ("double", DOUBLE),
    ("string", STRING),
    ("bytes", BYTES),
    ({"type": "fixed", "size": 16, "name": "md5"}, BYTES),
    ({"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS"]}, STRING),
    ({"type": "int", "logicalType": "date"}, DATE),
    ({"type": "int", "logicalType": "time-millis"}, TIME),
    ({"type": "long", "logicalType": "timestamp-millis"}, TIMESTAMP),
    ({"type": "long", "logicalType": "timestamp-micros"}, BIGINT),
    ({"type": "string", "logicalType": "uuid"}, STRING),
    ({"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}, DecimalType(4, 2)),
    ({"type": "bytes", "logicalType": "decimal", "scale": 2}, DecimalType(64, 2)),
    ({"type": "int", "connect.type": "int16"}, INTEGER),
    (["null", "string"], STRING),
    (["string"], STRING),
    (["int", "string"], StructType((StructField("INT", INTEGER), StructField("STRING", STRING)))),
    ({"type": "array", "items": ["null", "long"]}, ArrayType(BIGINT)),
    ({"type": "map", "values": "long"}, MapType(STRING, BIGINT)),
    ({"type": "array", "items": MAP_ENTRY}, MapType(STRING, STRING)),
    (
        {"type": "record", "name": "something", "fields": [{"name": "f1", "type": "int"}]},
        StructType((StructField("F1", INTEGER),)),
    ),
]


@pytest.mark.parametrize(("avro", "sql_type"), FIELDS)
def test_each_avro_type_becomes_a_column_type(avro: Any, sql_type: SqlType) -> None:
    (column,) = columns_from_avro(record(("c1", avro)))
    assert (column.name, column.type) == ("C1", sql_type)


def test_names_are_upper_cased_unless_kept_and_named_types_are_reused() -> None:
    schema = {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [
            {
                "name": "line",
                "type": {
                    "type": "record",
                    "name": "Line",
                    "fields": [{"name": "sku", "type": "string"}],
                },
            },
            {"name": "spare", "type": ["null", "Line"]},
            {"name": "other", "type": "shop.Line"},
        ],
    }
    line = StructType((StructField("SKU", STRING),))
    assert [(c.name, c.type) for c in columns_from_avro(schema)] == [
        ("LINE", line),
        ("SPARE", line),
        ("OTHER", line),
    ]
    kept = columns_from_avro(schema, upper=False)
    assert kept[0].name == "line"
    assert kept[0].type == StructType((StructField("sku", STRING),))


def test_a_field_ksqldb_cannot_type_is_left_out() -> None:
    entry = {
        **MAP_ENTRY,
        "fields": [{"name": "key", "type": "double"}, {"name": "value", "type": "int"}],
    }
    columns = columns_from_avro(record(("m", {"type": "array", "items": entry}), ("ok", "int")))
    assert [c.name for c in columns] == ["OK"]


@pytest.mark.parametrize(
    ("schema", "is_key", "unwrapped", "expected"),
    [
        ("int", False, True, [("ROWVAL", INTEGER)]),
        ({"type": "boolean"}, True, True, [("ROWKEY", BOOLEAN)]),
        (
            record(("F1", ["null", "string"])),
            True,
            True,
            [("ROWKEY", StructType((StructField("F1", STRING),)))],
        ),
    ],
)
def test_unwrapped_schemas_are_one_column(
    schema: Any, is_key: bool, unwrapped: bool, expected: list[tuple[str, SqlType]]
) -> None:
    columns = columns_from_avro(schema, is_key=is_key, unwrapped=unwrapped)
    assert [(c.name, c.type) for c in columns] == expected


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            "int",
            "Schema returned from schema registry is anonymous type. To use this schema with "
            "ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
        ),
        (record(("n", "null")), "Standalone null schemas are not supported by this converter"),
        (record(), "Schema does not include any columns with types that ksqlDB supports."),
        (
            record(("u", ["int", {"type": "int", "logicalType": "date"}])),
            "Multiple union schemas map to the Connect union field name",
        ),
        (record(("x", "Unknown")), "Couldn't translate unsupported schema type Unknown."),
        (record(("self", ["null", "blah"])), "Recursive Avro schemas are not supported: blah"),
    ],
)
def test_schemas_ksqldb_refuses(schema: Any, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        columns_from_avro(schema)
    assert message in str(caught.value)


def test_infer_columns_reads_the_latest_schema_of_the_topic() -> None:
    registry = InMemorySchemaRegistry()
    registry.register("orders-value", json.dumps(record(("id", "string"))))
    latest_id = registry.register(
        "orders-value", json.dumps(record(("id", "string"), ("n", "int")))
    )
    inferred = infer_columns(registry, "orders")
    assert inferred.schema_id == latest_id
    assert [c.name for c in inferred.columns] == ["ID", "N"]
    by_id = infer_columns(registry, "orders", schema_id=1)
    assert [c.name for c in by_id.columns] == ["id"]  # a chosen id keeps names as written


def test_infer_columns_says_what_is_missing_as_ksqldb_does() -> None:
    registry = InMemorySchemaRegistry()
    with pytest.raises(FormatError) as caught:
        infer_columns(registry, "input_topic")
    message = str(caught.value)
    assert message.startswith(
        "Schema for message values on topic 'input_topic' does not exist in the Schema "
        "Registry.\nSubject: input_topic-value\nPossible causes include:"
    )
    with pytest.raises(FormatError, match="Subject: input_topic-key\nSchema Id: 7\n"):
        infer_columns(registry, "input_topic", is_key=True, schema_id=7)


def test_infer_columns_wraps_an_incompatible_schema() -> None:
    registry = InMemorySchemaRegistry()
    registry.register("t-value", '"int"')
    with pytest.raises(FormatError) as caught:
        infer_columns(registry, "t")
    assert str(caught.value).startswith(
        "Unable to verify if the value schema for topic: t is compatible with ksqlDB.\nReason: "
        "Schema returned from schema registry is anonymous type."
    )
    assert infer_columns(registry, "t", unwrapped=True).columns[0].type == INTEGER
