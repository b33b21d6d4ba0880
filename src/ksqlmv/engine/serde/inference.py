"""Columns from an Avro schema in Schema Registry, as ksqlDB infers them for CREATE without columns.

ksqlDB reads the schema through Confluent's `AvroData` (Avro to Kafka Connect) and then keeps
what its SQL types can hold. So, here:

- a record's fields become columns, names upper-cased (kept as written when the statement named
  a schema id, as ksqlDB does), in order; a nested record becomes a STRUCT, likewise;
- `int`, `long`, `float`/`double`, `boolean`, `string`, `bytes`/`fixed` become INTEGER, BIGINT,
  DOUBLE, BOOLEAN, STRING, BYTES; an `enum` is a STRING;
- the logical types `date`, `time-millis`, `timestamp-millis` and `decimal` become DATE, TIME,
  TIMESTAMP and DECIMAL(precision, scale) (precision 64 when the schema has none); other logical
  types read as their Avro type (`timestamp-micros` is a BIGINT);
- `["null", T]` is T; any other union is a STRUCT with one field per branch (`INT`, `STRING`,
  or the branch's record name);
- an `array` is an ARRAY; a `map`, or an array of Connect's `MapEntry` records, is a MAP with
  STRING keys (a field whose map keys are not integers, booleans or strings is left out);
- a standalone `null` is refused, as ksqlDB refuses it.

`infer_columns` fetches the schema (the subject's latest, or a given id) and words every failure
as ksqlDB's `SchemaRegistryTopicSchemaSupplier` does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.serde._connect import (
    DATE as DATE_NAME,
)
from ksqlmv.engine.serde._connect import (
    DECIMAL as DECIMAL_NAME,
)
from ksqlmv.engine.serde._connect import (
    TIME as TIME_NAME,
)
from ksqlmv.engine.serde._connect import (
    TIMESTAMP as TIMESTAMP_NAME,
)
from ksqlmv.engine.serde._connect import ConnectSchema, SchemaRefused, to_connect
from ksqlmv.engine.serde.base import SerdeColumn
from ksqlmv.engine.serde.registry import (
    SchemaRegistry,
    key_subject,
    parse_schema_text,
    value_subject,
)
from ksqlmv.errors import FormatError, RegistryError
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

__all__ = ["InferredSchema", "columns_from_avro", "infer_columns"]

_LOG = logging.getLogger(__name__)
_MAP_KEY_TYPES = frozenset({"int8", "int16", "int32", "int64", "boolean", "string"})
_DOCS = "https://docs.confluent.io/current/schema-registry/docs/"


class _Unsupported(Exception):
    """What ksqlDB's types cannot hold: the field that has it is left out."""


@dataclass(frozen=True, slots=True)
class InferredSchema:
    """Columns inferred from a registered schema, with the schema's id and text."""

    columns: tuple[SerdeColumn, ...]
    schema_id: int
    schema: str


def _sql_type(schema: ConnectSchema, upper: bool) -> SqlType:
    """ksqlDB's `ConnectKsqlSchemaTranslator` and `ConnectToSqlConverter` in one step."""
    kind = schema.type
    if kind in ("int8", "int16", "int32"):
        return {DATE_NAME: DATE, TIME_NAME: TIME}.get(schema.name or "", INTEGER)
    if kind == "int64":
        return TIMESTAMP if schema.name == TIMESTAMP_NAME else BIGINT
    if kind in ("float32", "float64"):
        return DOUBLE
    if kind == "bytes":
        if schema.name == DECIMAL_NAME:
            return DecimalType(schema.precision, schema.scale)
        return BYTES
    if kind == "array":
        assert schema.value is not None
        return ArrayType(_sql_type(schema.value, upper))
    if kind == "map":
        assert schema.key is not None and schema.value is not None
        key_type = _connect_kind(schema.key)
        if key_type not in _MAP_KEY_TYPES:
            raise _Unsupported(f"Unsupported type for map key: {key_type}")
        return MapType(STRING, _sql_type(schema.value, upper))
    if kind == "struct":
        fields = []
        for name, field in schema.fields:
            try:
                field_type = _sql_type(field, upper)
            except _Unsupported as error:
                _LOG.warning("Error inferring schema at field %s: %s", name, error)
                continue
            fields.append(StructField(name.upper() if upper else name, field_type))
        return StructType(tuple(fields))
    return {"boolean": BOOLEAN, "string": STRING}[kind]


def _connect_kind(schema: ConnectSchema) -> str:
    """The Connect type a field has once ksqlDB converted it (floats become float64)."""
    return "float64" if schema.type == "float32" else schema.type


def _schema_text(sql_type: SqlType) -> str:
    if isinstance(sql_type, StructType):
        return ", ".join(f"{f.name} {f.type}" for f in sql_type.fields) or " "
    return str(sql_type)


def columns_from_avro(
    schema: str | Any, *, is_key: bool = False, unwrapped: bool = False, upper: bool = True
) -> tuple[SerdeColumn, ...]:
    """The key or value columns ksqlDB infers from Avro `schema` (JSON text or parsed).

    `unwrapped` (UNWRAP_SINGLES) reads the whole schema as one column, `ROWKEY` or `ROWVAL`;
    `upper=False` keeps field names as written. Raises FormatError with ksqlDB's message.
    """
    try:
        root = _sql_type(to_connect(parse_schema_text(schema)), upper)
    except (SchemaRefused, _Unsupported) as error:
        raise FormatError(str(error)) from None
    if unwrapped:
        struct = StructType((StructField("ROWKEY" if is_key else "ROWVAL", root),))
    elif isinstance(root, StructType):
        struct = root
    elif is_key:
        raise FormatError("Key schemas are always unwrapped.")
    else:
        raise FormatError(
            "Schema returned from schema registry is anonymous type. To use this schema with "
            "ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties."
        )
    if not struct.fields:
        raise FormatError(
            "Schema does not include any columns with types that ksqlDB supports.\n"
            f"schema: {_schema_text(root)}"
        )
    return tuple(SerdeColumn(f.name, f.type) for f in struct.fields)


def infer_columns(
    registry: SchemaRegistry,
    topic: str,
    *,
    is_key: bool = False,
    unwrapped: bool = False,
    schema_id: int | None = None,
) -> InferredSchema:
    """Fetch the key or value schema of `topic` (or schema `schema_id`) and infer its columns."""
    subject = key_subject(topic) if is_key else value_subject(topic)
    original_names = schema_id is not None
    source = f"topic: {topic}" + (f", schema id: {schema_id}" if schema_id is not None else "")
    try:
        if schema_id is None:
            schema_id = registry.get_latest(subject).schema_id
        registered = registry.get_by_id(schema_id)
    except RegistryError as error:
        if error.http_status in (401, 403, 404):
            raise FormatError(_not_found(topic, subject, schema_id, is_key)) from None
        kind = "key" if is_key else "value"
        raise FormatError(
            f"Schema registry fetch for topic {kind} request failed for {source}"
        ) from error
    if registered.schema_type.upper() != "AVRO":
        config = "KEY_FORMAT" if is_key else "VALUE_FORMAT"
        actual = registered.schema_type.upper()
        raise FormatError(
            f"{'Key' if is_key else 'Value'} schema is not in the expected format. You may want "
            f"to set {config} to '{actual}'.\n{source}\nexpected format: AVRO\n"
            f"actual format from Schema Registry: {actual}"
        )
    try:
        columns = columns_from_avro(
            registered.schema, is_key=is_key, unwrapped=unwrapped, upper=not original_names
        )
    except FormatError as error:
        raise FormatError(
            f"Unable to verify if the {'key' if is_key else 'value'} schema for {source} is "
            f"compatible with ksqlDB.\nReason: {error}\n\nPlease see "
            "https://github.com/confluentinc/ksql/issues/ to see if this particular reason is "
            "already known.\nIf not, please log a new issue, including this full error message."
            f"\nSchema:{registered.schema}"
        ) from None
    return InferredSchema(columns, registered.schema_id, registered.schema)


def _not_found(topic: str, subject: str, schema_id: int | None, is_key: bool) -> str:
    id_line = f"Schema Id: {schema_id}\n" if schema_id is not None else ""
    return (
        f"Schema for message {'keys' if is_key else 'values'} on topic '{topic}' does not exist "
        f"in the Schema Registry.\nSubject: {subject}\n{id_line}Possible causes include:\n"
        "- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n"
        "- Messages on the topic are not serialized using a format Schema Registry supports\n"
        f"\t-> Use PRINT '{topic}' FROM BEGINNING; to verify\n"
        "- Messages on the topic have not been serialized using a Confluent Schema Registry "
        f"supported serializer\n\t-> See {_DOCS}serializer-formatter.html\n"
        "- The schema is registered on a different instance of the Schema Registry\n"
        f"\t-> Use the REST API to list available subjects\t{_DOCS}api.html#get--subjects\n"
        "- You do not have permissions to access the Schema Registry.\n"
        f"\t-> See {_DOCS}security.html"
    )
