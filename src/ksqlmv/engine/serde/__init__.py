"""Serialization formats: a key or value's bytes to a row and back, as ksqlDB does it.

A row is a tuple of column values in column order, each in the Python representation of
`ksqlmv.sql.types` (TIMESTAMP, DATE and TIME as ints, DECIMAL as `decimal.Decimal`, STRUCT as a
dict with every field, NULL as None). `make_serde` builds, once per source or sink, a `Serde`
whose `serialize(row) -> bytes | None` and `deserialize(bytes | None) -> row | None` were
compiled for its columns: nothing on the per-record path depends on the schema.

    >>> from ksqlmv.engine.serde import SerdeColumn, make_serde
    >>> from ksqlmv.sql.types import BIGINT, STRING
    >>> columns = [SerdeColumn("ID", BIGINT), SerdeColumn("NAME", STRING)]
    >>> serde = make_serde("JSON", columns, topic="users")
    >>> serde.serialize((1, "Ann"))
    b'{"ID":1,"NAME":"Ann"}'
    >>> serde.deserialize(b'{"id": "7", "name": "Bo"}')
    (7, 'Bo')

Formats (`formats.FORMATS` lists what each supports):

- JSON: ksqlDB's lenient reading (numbers from strings and back, fields matched exactly or
  upper-cased, exact decimals, base64 BYTES) and Kafka Connect's writing.
- AVRO: Confluent's wire format (magic byte, 4-byte schema id, Avro body). The serializer
  writes with the schema ksqlDB would generate (`avro_schema.sink_schema`), registered under
  `<topic>-value`/`<topic>-key` on first use, or with the schema named by `schemaId`; the
  deserializer reads each record with its writer's schema and coerces it as ksqlDB does.
  Both directions run code generated per schema (`_avro_encode`, `_avro_decode`): a union of
  optional fields is one byte, not a run-time resolution, so a round trip is faster than
  fastavro's own decode-and-encode loop (`bench/serde.py` measures it); fastavro writes only
  with a schema chosen by id.
  `registration.register_schema` registers at statement time, as ksqlDB's CREATE does.
  Schema Registry is reached through the `registry.SchemaRegistry` protocol:
  `ConfluentSchemaRegistry` over HTTP, `InMemorySchemaRegistry` for the test driver.
  `inference.infer_columns` derives columns from a registered schema for CREATE statements
  without columns.
- KAFKA: one INTEGER, BIGINT, DOUBLE, STRING or BYTES column in Kafka's own serde layouts.
- DELIMITED: one CSV record of primitive columns, with `delimiter` (one character, TAB, SPACE).
- NONE: no columns; writes nothing, ignores what it reads.

A single column is wrapped in an object/record (WRAP_SINGLES) or written alone (UNWRAP_SINGLES);
`formats.key_features` and `formats.value_features` choose as ksqlDB does from
WRAP_SINGLE_VALUE. Windowed keys wrap a key serde in `WindowedSerde` (Kafka Streams' layout:
key bytes, then the window start, or end and start for sessions).

A record that cannot be read or written raises `DeserializationError` or `SerializationError`
carrying ksqlDB's message and causes, its topic and whether it was the key: the engine writes
those to the processing log and skips the record. A declaration a format cannot carry raises
`FormatError` with ksqlDB's wording when the serde is made.
"""

from __future__ import annotations

from ksqlmv.engine.serde._json_read import row_from_json, value_from_json
from ksqlmv.engine.serde._json_write import json_text
from ksqlmv.engine.serde.avro_schema import sink_schema, sink_schema_text
from ksqlmv.engine.serde.base import ColumnLike, Row, Serde, SerdeColumn, SerdeFeature
from ksqlmv.engine.serde.factory import check_key_columns, make_serde, make_windowed_serde
from ksqlmv.engine.serde.formats import (
    FORMATS,
    format_properties,
    format_spec,
    key_features,
    key_schema_full_name,
    parse_delimiter,
    supports_key_type,
    value_features,
)
from ksqlmv.engine.serde.inference import InferredSchema, columns_from_avro, infer_columns
from ksqlmv.engine.serde.registration import register_schema
from ksqlmv.engine.serde.registry import (
    ConfluentSchemaRegistry,
    InMemorySchemaRegistry,
    RegisteredSchema,
    SchemaRegistry,
    key_subject,
    value_subject,
)
from ksqlmv.engine.serde.windowed import WindowedKey, WindowedSerde

__all__ = [
    "FORMATS",
    "ColumnLike",
    "ConfluentSchemaRegistry",
    "InMemorySchemaRegistry",
    "InferredSchema",
    "RegisteredSchema",
    "Row",
    "SchemaRegistry",
    "Serde",
    "SerdeColumn",
    "SerdeFeature",
    "WindowedKey",
    "WindowedSerde",
    "check_key_columns",
    "columns_from_avro",
    "format_properties",
    "format_spec",
    "infer_columns",
    "json_text",
    "key_features",
    "key_schema_full_name",
    "key_subject",
    "make_serde",
    "make_windowed_serde",
    "parse_delimiter",
    "register_schema",
    "row_from_json",
    "sink_schema",
    "sink_schema_text",
    "supports_key_type",
    "value_features",
    "value_from_json",
    "value_subject",
]
