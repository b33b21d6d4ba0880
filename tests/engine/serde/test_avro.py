"""AVRO keys and values through a Schema Registry: wire format, coercions, schema ids, errors."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import fastavro
import pytest

from ksqlmv.engine.serde import (
    InMemorySchemaRegistry,
    SerdeColumn,
    SerdeFeature,
    make_serde,
)
from ksqlmv.errors import DeserializationError, FormatError, RegistryError, SerializationError
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
LINE = StructType((StructField("SKU", STRING), StructField("QTY", INTEGER)))


def produce(
    registry: InMemorySchemaRegistry, schema: Any, datum: Any, subject: str = "t-value"
) -> bytes:
    """A record as a Confluent Avro serializer writes it, with `schema` registered for it."""
    schema_id = registry.register(subject, json.dumps(schema))
    out = io.BytesIO()
    out.write(b"\x00" + schema_id.to_bytes(4, "big"))
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema), datum)
    return out.getvalue()


def record(*fields: tuple[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": "R", "fields": [{"name": n, "type": t} for n, t in fields]}


ROUND_TRIPS: list[tuple[SqlType, Any]] = [
    (BOOLEAN, True),
    (INTEGER, -7),
    (BIGINT, 998877665544332211),
    (DOUBLE, 654.321),
    (STRING, "héllo"),
    (BYTES, b"\x00\xff"),
    (DecimalType(6, 4), Decimal("12.3650")),
    (DecimalType(21, 19), Decimal("-10.1234512345123451234")),
    (TIMESTAMP, 1700000000123),
    (DATE, 19000),
    (TIME, 45296789),
    (ArrayType(STRING), ["a", None, ""]),
    (ArrayType(LINE), [{"SKU": "x", "QTY": 2}, None]),
    (MapType(STRING, DOUBLE), {"a": 1.5, "b": None}),
    (MapType(STRING, LINE), {"k": {"SKU": None, "QTY": 1}}),
    (LINE, {"SKU": "s", "QTY": None}),
    (StructType((StructField("IN", LINE), StructField("AT", TIMESTAMP))), {"IN": None, "AT": 5}),
]


@pytest.mark.parametrize(("sql_type", "value"), ROUND_TRIPS)
def test_a_value_round_trips_wrapped_and_unwrapped(
    registry: InMemorySchemaRegistry, sql_type: SqlType, value: Any
) -> None:
    wrapped = make_serde("AVRO", [C("V", sql_type), C("N", INTEGER)], topic="t", registry=registry)
    assert wrapped.deserialize(wrapped.serialize((value, None))) == (value, None)
    unwrapped = make_serde(
        "AVRO", [C("V", sql_type)], features=UNWRAP, topic="u", registry=registry
    )
    assert unwrapped.deserialize(unwrapped.serialize((value,))) == (value,)


def test_records_use_confluents_wire_format_and_register_on_first_write(
    registry: InMemorySchemaRegistry,
) -> None:
    columns = [C("NAME", STRING), C("AGE", INTEGER)]
    avro = make_serde("AVRO", columns, topic="people", registry=registry)
    assert registry.subjects() == []  # nothing is registered until a row is written
    data = avro.serialize(("Ann", 30))
    assert data is not None
    latest = registry.get_latest("people-value")
    assert json.loads(latest.schema) == avro.writer_schema
    assert data[:5] == b"\x00" + latest.schema_id.to_bytes(4, "big")
    # optional fields are unions: branch 1, then the value
    assert data[5:] == b"\x02\x06Ann\x02\x3c"
    again = make_serde("AVRO", columns, topic="people", registry=registry)
    assert again.serialize(("Bo", 1))[:5] == data[:5]  # type: ignore[index]
    key = make_serde("AVRO", [C("ID", STRING)], is_key=True, topic="people", registry=registry)
    assert key.serialize(("a",)) == b"\x00\x00\x00\x00\x02\x02a"
    assert json.loads(registry.get_latest("people-key").schema) == "string"


def test_a_reading_serde_never_registers(registry: InMemorySchemaRegistry) -> None:
    writer = record(("id", "int"))
    data = produce(registry, writer, {"id": 1}, "src-value")
    avro = make_serde("AVRO", [C("ID", INTEGER), C("X", STRING)], topic="src", registry=registry)
    assert avro.deserialize(data) == (1, None)
    assert registry.get_latest("src-value").version == 1


def test_a_schema_the_registry_refuses_fails_the_write(registry: InMemorySchemaRegistry) -> None:
    class Refusing(InMemorySchemaRegistry):
        def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
            raise RegistryError(409, "Schema being registered is incompatible")

    avro = make_serde("AVRO", [C("V", INTEGER)], features=UNWRAP, topic="t", registry=Refusing())
    with pytest.raises(SerializationError, match="incompatible"):
        avro.serialize((1,))


def test_reads_what_other_writers_wrote_with_ksqldbs_coercions(
    registry: InMemorySchemaRegistry,
) -> None:
    writer = record(
        ("id", "int"),
        ("count", "int"),
        ("ratio", "float"),
        ("flag", "boolean"),
        ("big", "double"),
        ("suit", {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS"]}),
        ("at", {"type": "long", "logicalType": "timestamp-millis"}),
        ("day", {"type": "int", "logicalType": "date"}),
        ("micros", {"type": "long", "logicalType": "timestamp-micros"}),
        ("ignored", "string"),
    )
    datum = {
        "id": 1,
        "count": 10,
        "ratio": 1.1,
        "flag": True,
        "big": 1e10,
        "suit": "HEARTS",
        "at": 1700000000123,
        "day": 19000,
        "micros": 5,
        "ignored": "x",
    }
    columns = [
        C("ID", BIGINT),
        C("COUNT", STRING),
        C("RATIO", STRING),
        C("FLAG", STRING),
        C("BIG", STRING),
        C("SUIT", STRING),
        C("AT", TIMESTAMP),
        C("DAY", DATE),
        C("MICROS", BIGINT),
        C("MISSING", INTEGER),
    ]
    avro = make_serde("AVRO", columns, topic="src", registry=registry)
    row = avro.deserialize(produce(registry, writer, datum))
    assert row == (1, "10", "1.1", "true", "1.0E10", "HEARTS", 1700000000123, 19000, 5, None)


def test_fields_match_exactly_then_upper_cased(registry: InMemorySchemaRegistry) -> None:
    writer = record(("name", "string"), ("NAME", "string"), ("Quoted", "int"))
    columns = [C("NAME", STRING), C("Quoted", INTEGER), C("QUOTED", INTEGER)]
    avro = make_serde("AVRO", columns, topic="s", registry=registry)
    row = avro.deserialize(produce(registry, writer, {"name": "a", "NAME": "b", "Quoted": 3}))
    assert row == ("b", 3, None)


def test_native_maps_and_connects_map_entries_both_read(registry: InMemorySchemaRegistry) -> None:
    columns = [C("M", MapType(STRING, INTEGER))]
    avro = make_serde("AVRO", columns, topic="m", registry=registry)
    native = record(("M", {"type": "map", "values": "int"}))
    assert avro.deserialize(produce(registry, native, {"M": {"a": 1}})) == ({"a": 1},)
    entry = {
        "type": "record",
        "name": "MapEntry",
        "namespace": "io.confluent.connect.avro",
        "fields": [{"name": "key", "type": "int"}, {"name": "value", "type": "int"}],
    }
    entries = record(("M", {"type": "array", "items": entry}))
    read = avro.deserialize(produce(registry, entries, {"M": [{"key": 7, "value": 1}]}))
    assert read == ({"7": 1},)


def test_a_union_reads_as_a_struct_with_a_field_per_branch(
    registry: InMemorySchemaRegistry,
) -> None:
    union_type = StructType((StructField("INT", INTEGER), StructField("STRING", STRING)))
    avro = make_serde("AVRO", [C("U", union_type)], topic="u", registry=registry)
    writer = record(("U", ["null", "int", "string"]))
    assert avro.deserialize(produce(registry, writer, {"U": "x"})) == (
        {"INT": None, "STRING": "x"},
    )
    assert avro.deserialize(produce(registry, writer, {"U": 4})) == ({"INT": 4, "STRING": None},)
    assert avro.deserialize(produce(registry, writer, {"U": None})) == (None,)


# (writer field type, a value of it, column type, ksqlDB's cause)
MISMATCHES: list[tuple[Any, Any, SqlType, str]] = [
    ("long", None, INTEGER, "Cannot deserialize type int64 as type int32 for path: ->V"),
    ("string", "1", INTEGER, "Cannot deserialize type string as type int32 for path: ->V"),
    ("double", None, BIGINT, "Cannot deserialize type float64 as type int64 for path: ->V"),
    ("int", 1, BOOLEAN, "Cannot deserialize type int32 as type boolean for path: ->V"),
    ("bytes", None, STRING, "Cannot deserialize type bytes as type string for path: ->V"),
    (
        {"type": "array", "items": "long"},
        [1],
        ArrayType(INTEGER),
        "Cannot deserialize type int64 as type int32 for path: ->V->ARRAY",
    ),
    (
        {"type": "map", "values": "string"},
        {"k": "x"},
        MapType(STRING, DOUBLE),
        "Cannot deserialize type string as type float64 for path: ->V->MAP_VAL",
    ),
    (
        record(("SKU", "string"), ("QTY", "double")),
        {"SKU": "a", "QTY": 1.0},
        LINE,
        "Cannot deserialize type float64 as type int32 for path: ->V->QTY",
    ),
    ("string", None, LINE, "Cannot deserialize type string as type struct for path: ->V"),
]


@pytest.mark.parametrize(("writer_type", "value", "sql_type", "cause"), MISMATCHES)
def test_a_writer_type_the_column_cannot_hold_fails_the_record(
    registry: InMemorySchemaRegistry, writer_type: Any, value: Any, sql_type: SqlType, cause: str
) -> None:
    # as in ksqlDB, a field's type is checked even when its value is NULL; an element's type
    # only when there is an element
    avro = make_serde("AVRO", [C("V", sql_type)], topic="t", registry=registry)
    writer = {
        "type": "record",
        "name": "W",
        "fields": [{"name": "V", "type": ["null", writer_type]}],
    }
    with pytest.raises(DeserializationError) as caught:
        avro.deserialize(produce(registry, writer, {"V": value}))
    assert caught.value.message == "Error deserializing message from topic: t"
    assert caught.value.causes == (cause,)


def test_elements_are_only_checked_when_there_are_some(registry: InMemorySchemaRegistry) -> None:
    avro = make_serde("AVRO", [C("V", ArrayType(INTEGER))], topic="t", registry=registry)
    writer = record(("V", ["null", {"type": "array", "items": "long"}]))
    assert avro.deserialize(produce(registry, writer, {"V": None})) == (None,)
    assert avro.deserialize(produce(registry, writer, {"V": []})) == ([],)


@pytest.mark.parametrize(
    ("data", "causes"),
    [
        (b"{}", ("Failed to deserialize data for topic t to Avro: ", "Unknown magic byte!")),
        (
            b"\x00\x00",
            (
                "Failed to deserialize data for topic t to Avro: ",
                "Error deserializing Avro message for id -1",
            ),
        ),
        (
            b"\x00\x00\x00\x00\x63\x02",
            (
                "Failed to deserialize data for topic t to Avro: ",
                "Error retrieving Avro value schema for id 99",
                "Schema 99 not found; error code: 40403",
            ),
        ),
    ],
)
def test_bytes_that_are_not_confluent_avro_fail_with_the_converters_messages(
    registry: InMemorySchemaRegistry, data: bytes, causes: tuple[str, ...]
) -> None:
    avro = make_serde("AVRO", [C("V", INTEGER), C("W", INTEGER)], topic="t", registry=registry)
    with pytest.raises(DeserializationError) as caught:
        avro.deserialize(data)
    assert caught.value.message == "Error deserializing message from topic: t"
    assert caught.value.causes == causes


def test_a_truncated_body_fails_for_its_schema_id(registry: InMemorySchemaRegistry) -> None:
    avro = make_serde("AVRO", [C("V", STRING), C("W", INTEGER)], topic="t", registry=registry)
    data = avro.serialize(("a long enough string", 1))
    assert data is not None
    with pytest.raises(DeserializationError) as caught:
        avro.deserialize(data[:9])
    schema_id = registry.get_latest("t-value").schema_id
    assert caught.value.causes[1] == f"Error deserializing Avro message for id {schema_id}"


def test_nulls_tombstones_and_null_roots(registry: InMemorySchemaRegistry) -> None:
    wrapped = make_serde("AVRO", [C("A", INTEGER), C("B", INTEGER)], topic="t", registry=registry)
    assert wrapped.serialize(None) is None
    assert wrapped.deserialize(None) is None
    nullable_root = ["null", record(("A", "int"), ("B", "int"))]
    with pytest.raises(DeserializationError, match=r"Struct\.schema"):
        wrapped.deserialize(produce(registry, nullable_root, None))
    single = make_serde("AVRO", [C("V", INTEGER)], features=UNWRAP, topic="u", registry=registry)
    assert single.serialize((None,)) is None
    assert single.deserialize(produce(registry, ["null", "int"], None, "u-value")) == (None,)


def test_writing_with_a_chosen_schema_id_fills_defaults_as_ksqldb_does(
    registry: InMemorySchemaRegistry,
) -> None:
    chosen = {
        "type": "record",
        "name": "Chosen",
        "namespace": "com.acme",
        "fields": [
            {"name": "c1", "type": "int"},
            {"name": "c2", "type": ["null", "int"]},
            {"name": "c3", "type": "string", "default": "foo"},
        ],
    }
    registry.register_with_id("out-value", json.dumps(chosen), 102)
    avro = make_serde(
        "AVRO", [C("c1", INTEGER)], {"schemaId": "102"}, topic="out", registry=registry
    )
    data = avro.serialize((4,))
    assert data is not None and data[:5] == b"\x00\x00\x00\x00\x66"
    body = fastavro.schemaless_reader(io.BytesIO(data[5:]), fastavro.parse_schema(chosen), None)
    assert body == {"c1": 4, "c2": None, "c3": "foo"}
    assert registry.subjects() == ["out-value"]  # nothing new registered


def test_a_chosen_schema_with_a_required_field_the_row_lacks_fails_every_record(
    registry: InMemorySchemaRegistry,
) -> None:
    chosen = record(("c1", "int"), ("c2", "double"))
    registry.register_with_id("out-value", json.dumps(chosen), 2)
    avro = make_serde("AVRO", [C("c1", INTEGER)], {"schemaId": "2"}, topic="out", registry=registry)
    with pytest.raises(SerializationError) as caught:
        avro.serialize((4,))
    assert caught.value.message == (
        "Error serializing message to topic: out. Missing default value for required Avro "
        "field: [c2]. This field appears in Avro schema in Schema Registry\nHint: You probably "
        "forgot to add VALUE_SCHEMA_ID when creating the source."
    )
    lacking = make_serde(
        "AVRO", [C("c9", INTEGER)], {"schemaId": "2"}, topic="out", registry=registry
    )
    with pytest.raises(SerializationError, match="misses field with name: c9"):
        lacking.serialize((4,))


def test_an_unknown_schema_id_or_missing_registry_is_refused_when_the_serde_is_made(
    registry: InMemorySchemaRegistry,
) -> None:
    with pytest.raises(FormatError, match="using schema id: 5"):
        make_serde("AVRO", [C("V", INTEGER)], {"schemaId": "5"}, topic="t", registry=registry)
    with pytest.raises(FormatError, match="needs Schema Registry"):
        make_serde("AVRO", [C("V", INTEGER)], topic="t")


def test_decimals_are_fitted_to_the_column(registry: InMemorySchemaRegistry) -> None:
    avro = make_serde(
        "AVRO", [C("D", DecimalType(6, 2))], features=UNWRAP, topic="d", registry=registry
    )
    assert avro.deserialize(avro.serialize((Decimal("1.5"),))) == (Decimal("1.50"),)
    with pytest.raises(SerializationError, match="without rounding"):
        avro.serialize((Decimal("1.555"),))
    writer = {"type": "bytes", "logicalType": "decimal", "precision": 8, "scale": 3}
    read = avro.deserialize(produce(registry, writer, Decimal("12.340"), "d-value"))
    assert read == (Decimal("12.34"),)


EDGES: list[tuple[SqlType, Any]] = [
    (BIGINT, -(2**63)),
    (BIGINT, 2**63 - 1),
    (INTEGER, -64),
    (INTEGER, 64),
    (STRING, "x" * 300),
    (BYTES, bytes(range(256)) * 2),
    (DecimalType(10, 0), Decimal("127")),
    (DecimalType(10, 0), Decimal("128")),
    (DecimalType(10, 2), Decimal("-0.01")),
    (DecimalType(10, 2), Decimal("0")),
    (ArrayType(INTEGER), []),
    (MapType(STRING, INTEGER), {}),
    (BOOLEAN, False),
    (DOUBLE, -0.0),
]


@pytest.mark.parametrize(("sql_type", "value"), ROUND_TRIPS + EDGES)
def test_the_generated_writer_writes_the_bytes_fastavro_writes(
    sql_type: SqlType, value: Any
) -> None:
    from ksqlmv.engine.serde import sink_schema
    from ksqlmv.engine.serde._avro import _fastavro_writer
    from ksqlmv.engine.serde._avro_encode import row_writer

    for columns, unwrapped in (
        ([C("V", sql_type), C("N", INTEGER)], False),
        ([C("V", sql_type)], True),
    ):
        row = (value, None) if not unwrapped else (value,)
        schema = sink_schema(columns, unwrapped=unwrapped)
        expected = _fastavro_writer(schema, columns, unwrapped)(row)
        assert row_writer(columns, unwrapped=unwrapped)(row) == expected


def test_decimals_are_written_as_javas_minimal_twos_complement() -> None:
    from ksqlmv.engine.serde._avro_encode import row_writer, unscaled_bytes

    # Java's BigInteger.toByteArray, which Connect's Decimal uses: -128 is one byte (fastavro
    # writes two, 0xff80; both read back as -128)
    assert unscaled_bytes(-128) == b"\x80"
    assert unscaled_bytes(-129) == b"\xff\x7f"
    assert unscaled_bytes(128) == b"\x00\x80"
    assert unscaled_bytes(0) == b"\x00"
    write = row_writer([C("D", DecimalType(10, 0))], unwrapped=True)
    assert write((Decimal("-128"),)) == b"\x02\x80"


def test_a_value_of_the_wrong_type_fails_as_connect_reports_it(
    registry: InMemorySchemaRegistry,
) -> None:
    avro = make_serde("AVRO", [C("ID", BIGINT), C("AT", DATE)], topic="t", registry=registry)
    with pytest.raises(SerializationError) as caught:
        avro.serialize((1, "2020-01-01"))
    assert caught.value.message == (
        'Invalid Java object for schema "org.apache.kafka.connect.data.Date" with type INT32: '
        'class java.lang.String for field: "AT"'
    )


def test_a_chosen_schema_gives_null_columns_their_defaults_as_connect_does(
    registry: InMemorySchemaRegistry,
) -> None:
    # ksqlDB's "VALUE_SCHEMA_ID with compound types and default value": NULLs become defaults
    inner = {
        "type": "record",
        "name": "transaction",
        "fields": [
            {"name": "num_shares", "type": "int", "default": 0},
            {"name": "amount", "type": ["null", "int"]},
        ],
    }
    chosen = {
        "type": "record",
        "name": "Transaction",
        "namespace": "com.acme",
        "fields": [
            {"name": "eventID", "type": "string"},
            {"name": "transaction", "type": inner},
        ],
    }
    registry.register_with_id("model-value", json.dumps(chosen), 102)
    transaction = StructType((StructField("num_shares", INTEGER), StructField("amount", INTEGER)))
    columns = [C("eventID", STRING), C("transaction", transaction)]
    avro = make_serde("AVRO", columns, {"schemaId": "102"}, topic="model", registry=registry)
    data = avro.serialize(("1", {"num_shares": None, "amount": None}))
    assert data is not None
    body = fastavro.schemaless_reader(io.BytesIO(data[5:]), fastavro.parse_schema(chosen), None)
    assert body == {"eventID": "1", "transaction": {"num_shares": 0, "amount": None}}
    with pytest.raises(SerializationError) as caught:
        avro.serialize((None, None))
    assert caught.value.causes[0] == (
        'Invalid value: null used for required field: "eventID", schema type: STRING'
    )
