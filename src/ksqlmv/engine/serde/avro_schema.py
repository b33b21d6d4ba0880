"""The Avro schema ksqlDB registers for a sink's key or value, generated the way ksqlDB does.

ksqlDB turns columns into a Kafka Connect schema and that into Avro with Confluent's `AvroData`,
so the registered schema carries Connect's marks, and this module writes the same JSON:

- a wrapped row is a record named after `fullSchemaName` (default
  `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema`; a key's default is `<Source>Key`);
- every field is optional, `["null", T]` with `"default": null`;
- a nested STRUCT is a record named `<parent name>_<FIELD>`, array elements take their array's
  name, map values `<name>_MapValue`; records carry `connect.name`;
- a MAP is written as Connect writes maps with optional keys: an array of `{key, value}` records
  (marked `"connect.internal.type": "MapEntry"`), the array named after the map;
- DECIMAL, DATE, TIME and TIMESTAMP carry their logical type and Connect's name, version and
  parameters;
- an unwrapped single column is its type alone, not optional.

Field names must be valid Avro names; when one is not, the error is ksqlDB's ("Schema is not
compatible with Avro: Illegal initial character: 1ABC").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ksqlmv.engine.serde.base import ColumnLike, has_non_string_map_key
from ksqlmv.engine.serde.formats import DEFAULT_AVRO_SCHEMA_FULL_NAME
from ksqlmv.errors import FormatError
from ksqlmv.sql.types import ArrayType, BaseType, DecimalType, MapType, SqlType, StructType

__all__ = ["avro_name_error", "sink_schema", "sink_schema_text", "split_name"]

_CONNECT = "org.apache.kafka.connect.data."
_PLAIN = {
    BaseType.BOOLEAN: "boolean",
    BaseType.INTEGER: "int",
    BaseType.BIGINT: "long",
    BaseType.DOUBLE: "double",
    BaseType.STRING: "string",
    BaseType.BYTES: "bytes",
}
# Connect's logical types: (Avro type, Connect name, Avro logical type)
_LOGICAL = {
    BaseType.DATE: ("int", "Date", "date"),
    BaseType.TIME: ("int", "Time", "time-millis"),
    BaseType.TIMESTAMP: ("long", "Timestamp", "timestamp-millis"),
}


def split_name(full_name: str) -> tuple[str | None, str]:
    """A full name as Avro splits it: namespace (or None) and the name after the last dot."""
    namespace, dot, name = full_name.rpartition(".")
    return (namespace if dot else None), name


def avro_name_error(name: str) -> str | None:
    """Why `name` is not a valid Avro name (Avro's own wording), or None when it is."""
    if not name:
        return "Empty name"
    if not (name[0].isalpha() or name[0] == "_"):
        return f"Illegal initial character: {name}"
    if any(not (char.isalnum() or char == "_") for char in name[1:]):
        return f"Illegal character in: {name}"
    return None


def _check_name(name: str) -> None:
    problem = avro_name_error(name)
    if problem is not None:
        raise FormatError(f"Schema is not compatible with Avro: {problem}")


class _Writer:
    """Writes one schema; tracks the enclosing namespace, as Avro's `toString` does."""

    def __init__(self) -> None:
        self.namespace: str | None = None

    def optional(self, sql_type: SqlType, context: str) -> list[Any]:
        return ["null", self.schema(sql_type, context, root=False)]

    def schema(self, sql_type: SqlType, context: str, *, root: bool) -> Any:
        base = sql_type.base
        plain = _PLAIN.get(base)
        if plain is not None:
            return plain
        version = {} if root else {"connect.version": 1}
        if isinstance(sql_type, DecimalType):
            precision, scale = sql_type.precision, sql_type.scale
            return {
                "type": "bytes",
                "scale": scale,
                "precision": precision,
                **version,
                "connect.parameters": {
                    "scale": str(scale),
                    "connect.decimal.precision": str(precision),
                },
                "connect.name": _CONNECT + "Decimal",
                "logicalType": "decimal",
            }
        logical = _LOGICAL.get(base)
        if logical is not None:
            avro_type, connect_name, logical_type = logical
            return {
                "type": avro_type,
                **version,
                "connect.name": _CONNECT + connect_name,
                "logicalType": logical_type,
            }
        if isinstance(sql_type, ArrayType):
            return {"type": "array", "items": self.optional(sql_type.element, context)}
        if isinstance(sql_type, MapType):
            return self.map(sql_type, context)
        assert isinstance(sql_type, StructType)
        return self.record(context, [(f.name, f.type) for f in sql_type.fields], separator="_")

    def named(self, full_name: str) -> dict[str, Any]:
        namespace, name = split_name(full_name)
        _check_name(name)
        head: dict[str, Any] = {"type": "record", "name": name}
        if namespace != self.namespace:
            head["namespace"] = namespace or ""
        return head

    def record(
        self, full_name: str, fields: Sequence[tuple[str, SqlType]], *, separator: str
    ) -> dict[str, Any]:
        record = self.named(full_name)
        outer, self.namespace = self.namespace, split_name(full_name)[0]
        written = []
        for name, sql_type in fields:
            avro_name = name.replace(".", "_")
            _check_name(avro_name)
            field_type = self.optional(sql_type, full_name + separator + name)
            written.append({"name": avro_name, "type": field_type, "default": None})
        self.namespace = outer
        record["fields"] = written
        record["connect.name"] = full_name
        return record

    def map(self, sql_type: MapType, context: str) -> dict[str, Any]:
        entry = self.named(context)
        outer, self.namespace = self.namespace, split_name(context)[0]
        entry["fields"] = [
            {
                "name": "key",
                "type": self.optional(sql_type.key, context + "_MapKey"),
                "default": None,
            },
            {
                "name": "value",
                "type": self.optional(sql_type.value, context + "_MapValue"),
                "default": None,
            },
        ]
        self.namespace = outer
        entry["connect.internal.type"] = "MapEntry"
        return {"type": "array", "items": entry, "connect.name": context}


def sink_schema(
    columns: Sequence[ColumnLike],
    *,
    full_name: str = DEFAULT_AVRO_SCHEMA_FULL_NAME,
    unwrapped: bool = False,
) -> Any:
    """The Avro schema (as JSON data) ksqlDB registers for `columns`.

    `unwrapped` is the UNWRAP_SINGLES feature: the single column's type alone. Raises
    FormatError with ksqlDB's message when the columns cannot be written as Avro.
    """
    full_name = full_name.strip()
    if not full_name:
        raise FormatError("the schema name cannot be empty")
    writer = _Writer()
    if unwrapped:
        if len(columns) != 1:
            raise FormatError("Unwrapping only valid for single columns")
        schema = writer.schema(columns[0].type, full_name, root=True)
    else:
        schema = writer.record(full_name, [(c.name, c.type) for c in columns], separator="_")
    if any(has_non_string_map_key(c.type) for c in columns):
        raise FormatError("Avro only supports MAPs with STRING keys")
    return schema


def sink_schema_text(
    columns: Sequence[ColumnLike],
    *,
    full_name: str = DEFAULT_AVRO_SCHEMA_FULL_NAME,
    unwrapped: bool = False,
) -> str:
    """`sink_schema` as compact JSON text, ready to register."""
    schema = sink_schema(columns, full_name=full_name, unwrapped=unwrapped)
    return json.dumps(schema, separators=(",", ":"))
