"""The AVRO format: Confluent's wire format through Schema Registry, as ksqlDB reads and writes it.

Every record is the magic byte 0, the schema id as 4 big-endian bytes, and the Avro binary body.
Writing uses one schema: the one ksqlDB would register for the columns (registered under the
subject when the serde is made), or the schema chosen with `VALUE_SCHEMA_ID`/`KEY_SCHEMA_ID`.
Reading decodes each record with the schema its id names, fetched once per id; a reader for
that writer schema and the columns is compiled on first sight and kept (`_avro_decode`).
Writing the generated schema uses a writer generated for it (`_avro_encode`); a schema chosen
by id is written with fastavro.
"""

from __future__ import annotations

import io
import json
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

import fastavro

from ksqlmv.engine.serde._avro_decode import (
    DECODING_ERRORS,
    is_record,
    row_decoder,
    value_decoder,
)
from ksqlmv.engine.serde._avro_encode import row_writer
from ksqlmv.engine.serde._avro_read import row_converter, value_converter
from ksqlmv.engine.serde._avro_write import row_encoder
from ksqlmv.engine.serde._connect import SchemaRefused, to_connect
from ksqlmv.engine.serde._types import connect_write_error
from ksqlmv.engine.serde.avro_schema import sink_schema
from ksqlmv.engine.serde.base import (
    NULL_STRUCT_MESSAGE,
    ColumnLike,
    Row,
    Serde,
    SerdeFeature,
    count_mismatch,
)
from ksqlmv.engine.serde.formats import DEFAULT_AVRO_SCHEMA_FULL_NAME, FULL_SCHEMA_NAME, SCHEMA_ID
from ksqlmv.engine.serde.registry import SchemaRegistry, parse_schema_text
from ksqlmv.errors import (
    DeserializationError,
    FormatError,
    KsqlmvError,
)

__all__ = ["avro_serde", "wire_header"]

_HEADER = struct.Struct(">bI")

Decode = Callable[[bytes], Row | None]


def wire_header(schema_id: int) -> bytes:
    """Confluent's wire-format prefix: magic byte 0 and the schema id, big-endian."""
    return _HEADER.pack(0, schema_id)


class _Failure(Exception):
    """A record that cannot be read; `causes` is the chain ksqlDB's converters report."""

    def __init__(self, causes: tuple[str, ...]) -> None:
        super().__init__(causes[0])
        self.causes = causes


def avro_serde(
    columns: Sequence[ColumnLike],
    features: frozenset[SerdeFeature],
    properties: dict[str, str],
    *,
    is_key: bool,
    topic: str,
    registry: SchemaRegistry | None,
    subject: str,
) -> Serde:
    """The AVRO serde for `columns`.

    The serializer writes with the schema chosen by `schemaId`, or else with the schema ksqlDB
    generates for the columns, registered under `subject` when the first row is written (as
    Confluent's serializers auto-register). Reading never registers anything.
    """
    if registry is None:
        raise FormatError("The 'AVRO' format needs Schema Registry: no registry is configured")
    unwrapped = SerdeFeature.UNWRAP_SINGLES in features
    full_name = properties.get(FULL_SCHEMA_NAME, DEFAULT_AVRO_SCHEMA_FULL_NAME)
    writer = sink_schema(columns, full_name=full_name, unwrapped=unwrapped)
    schema_id: int | None = None
    if SCHEMA_ID in properties:
        schema_id = int(properties[SCHEMA_ID])
        try:
            registered = registry.get_by_id(schema_id)
        except KsqlmvError as error:
            raise FormatError(
                "Failed to fetch schema for serialization from Schema Registry using schema "
                f"id: {schema_id}"
            ) from error
        writer = parse_schema_text(registered.schema)
    text = json.dumps(writer, separators=(",", ":"))

    def register() -> int:
        return registry.register(subject, text)

    serialize = _serializer(writer, schema_id, register, columns, unwrapped, is_key, topic)
    deserialize = _deserializer(registry, columns, unwrapped, is_key=is_key, topic=topic)
    return Serde("AVRO", tuple(columns), is_key, features, serialize, deserialize, writer)


def _serializer(
    writer: Any,
    schema_id: int | None,
    register: Callable[[], int],
    columns: Sequence[ColumnLike],
    unwrapped: bool,
    is_key: bool,
    topic: str,
) -> Callable[[Row | None], bytes | None]:
    if schema_id is None:
        # the generated schema: written by a function generated for it
        body = row_writer(columns, unwrapped=unwrapped)
    else:
        body = _fastavro_writer(writer, columns, unwrapped)
    count = len(columns)
    headers = [] if schema_id is None else [wire_header(schema_id)]
    lock = threading.Lock()

    def header() -> bytes:
        with lock:
            if not headers:
                headers.append(wire_header(register()))
        return headers[0]

    def serialize(row: Row | None) -> bytes | None:
        if row is None:
            return None
        if len(row) != count:
            raise count_mismatch(count, len(row), topic=topic, is_key=is_key)
        if unwrapped and row[0] is None:
            return None
        try:
            return (headers[0] if headers else header()) + body(row)
        except Exception as error:
            raise connect_write_error(
                error, columns, row, unwrapped=unwrapped, topic=topic, is_key=is_key
            ) from None

    return serialize


def _fastavro_writer(
    writer: Any, columns: Sequence[ColumnLike], unwrapped: bool
) -> Callable[[Row], bytes]:
    """Rows written with fastavro in a registered schema chosen by id."""
    parsed = fastavro.parse_schema(writer)
    encode = row_encoder(writer, columns, unwrapped=unwrapped)
    write = fastavro.schemaless_writer

    def body(row: Row) -> bytes:
        out = io.BytesIO()
        write(out, parsed, encode(row))
        return out.getvalue()

    return body


def _deserializer(
    registry: SchemaRegistry,
    columns: Sequence[ColumnLike],
    unwrapped: bool,
    *,
    is_key: bool,
    topic: str,
) -> Callable[[bytes | None], Row | None]:
    decoders: dict[int, Decode] = {}
    lock = threading.Lock()
    target = "key" if is_key else "value"
    converting = f"Failed to deserialize data for topic {topic} to Avro: "

    def build(schema_id: int) -> Decode:
        try:
            registered = registry.get_by_id(schema_id)
        except KsqlmvError as error:
            code = getattr(error, "error_code", None)
            detail = f"{error}; error code: {code}" if code is not None else str(error)
            raise _Failure(
                (converting, f"Error retrieving Avro {target} schema for id {schema_id}", detail)
            ) from None
        try:
            schema = parse_schema_text(registered.schema)
            connect = to_connect(schema)
        except (SchemaRefused, KsqlmvError) as error:
            raise _Failure((converting, str(error))) from None
        failed = f"Error deserializing Avro message for id {schema_id}"
        try:
            read = _reader(schema, connect, columns, unwrapped)
        except Exception as error:
            raise _Failure((converting, failed, str(error))) from None

        def decode(data: bytes) -> Row | None:
            try:
                return read(data)
            except DECODING_ERRORS as error:
                # the bytes do not hold a value of the writer's schema
                raise _Failure((converting, failed, str(error) or type(error).__name__)) from None

        with lock:
            decoders[schema_id] = decode
        return decode

    def deserialize(data: bytes | None) -> Row | None:
        if data is None:
            return None
        try:
            if len(data) < 5 or data[0] != 0:
                if len(data) and data[0] != 0:
                    raise _Failure((converting, "Unknown magic byte!"))
                raise _Failure((converting, "Error deserializing Avro message for id -1"))
            schema_id = _HEADER.unpack_from(data)[1]
            decode = decoders.get(schema_id) or build(schema_id)
            return decode(data)
        except _Failure as failure:
            causes = failure.causes
        except Exception as error:
            causes = (str(error) or type(error).__name__,)
        if causes[0] == NULL_STRUCT_MESSAGE:
            raise DeserializationError(NULL_STRUCT_MESSAGE, topic=topic, is_key=is_key)
        raise DeserializationError(
            f"Error deserializing message from topic: {topic}", causes, topic=topic, is_key=is_key
        )

    return deserialize


def _reader(
    schema: Any, connect: Any, columns: Sequence[ColumnLike], unwrapped: bool
) -> Callable[[bytes], Row | None]:
    """Bytes (after the header) in writer `schema` to a row of `columns`."""
    if not unwrapped and is_record(schema):
        return row_decoder(schema, connect, columns)
    read_value = value_decoder(schema)
    if unwrapped:
        convert = value_converter(connect, columns[0].type, "")
        if convert is None:
            return lambda data: (read_value(data),)
        one = convert
        return lambda data: (one(read_value(data)),)
    read_row = row_converter(connect, columns)

    def row(data: bytes) -> Row | None:
        datum = read_value(data)
        if datum is None:
            raise ValueError(NULL_STRUCT_MESSAGE)
        result: Row = read_row(datum)
        return result

    return row
