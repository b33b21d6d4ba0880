"""Avro schemas as Kafka Connect sees them, as Confluent's `AvroData.toConnectSchema` reads them.

ksqlDB never looks at Avro directly: it converts a writer's Avro schema to a Connect schema and
then coerces Connect values to its columns. Both schema inference and the Avro reader start from
the `ConnectSchema` built here, so they agree on every rule:

- `int` is int32 (int8/int16 when `connect.type` says so), `long` int64, `float` float32,
  `double` float64, `enum` a string, `fixed` bytes;
- `date`/`time-millis` on int and `timestamp-millis` on long are Connect's Date, Time and
  Timestamp; `decimal` on bytes or fixed is Decimal(scale, precision); other logical types are
  ignored;
- `["null", T]` is an optional T, a one-branch union its branch, any other union a struct named
  `io.confluent.connect.avro.Union` with a field per branch;
- an array of `MapEntry` records (Connect's map with non-string keys) is a map;
- a standalone `null`, and a recursive record, are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DATE",
    "DECIMAL",
    "TIME",
    "TIMESTAMP",
    "UNION",
    "ConnectSchema",
    "SchemaRefused",
    "to_connect",
]

DATE = "org.apache.kafka.connect.data.Date"
TIME = "org.apache.kafka.connect.data.Time"
TIMESTAMP = "org.apache.kafka.connect.data.Timestamp"
DECIMAL = "org.apache.kafka.connect.data.Decimal"
UNION = "io.confluent.connect.avro.Union"
_MAP_ENTRY = "io.confluent.connect.avro.MapEntry"
_PRIMITIVES = {
    "boolean": "boolean",
    "int": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "string",
    "bytes": "bytes",
}
_INT_TYPES = {"int8": "int8", "int16": "int16"}
_LOGICAL = {
    ("int", "date"): DATE,
    ("int", "time-millis"): TIME,
    ("long", "timestamp-millis"): TIMESTAMP,
}


class SchemaRefused(Exception):
    """An Avro schema Confluent's AvroData cannot convert; the message is AvroData's."""


@dataclass(frozen=True, slots=True)
class ConnectSchema:
    """One Connect schema node, with what the Avro reader needs to find its values.

    `type` is Connect's type name (`int32`, `float64`, `struct`, ...); `name` its logical or
    record name. A struct's `fields` keep the writer's names. A union struct's `branches` name,
    per field, the Avro type of its branch (`int`, `string`, a record's full name).
    """

    type: str
    name: str | None = None
    optional: bool = False
    scale: int = 0
    precision: int = 64
    key: ConnectSchema | None = None
    value: ConnectSchema | None = None
    fields: tuple[tuple[str, ConnectSchema], ...] = ()
    branches: tuple[str, ...] = ()
    map_entries: bool = False
    """A map written as an array of `{key, value}` records (Connect's encoding)."""

    def with_optional(self) -> ConnectSchema:
        """This schema, optional."""
        return ConnectSchema(
            self.type,
            self.name,
            True,
            self.scale,
            self.precision,
            self.key,
            self.value,
            self.fields,
            self.branches,
            self.map_entries,
        )


class _Converter:
    def __init__(self) -> None:
        self.named: dict[str, tuple[Mapping[str, Any], str | None]] = {}
        self.open: set[str] = set()

    @staticmethod
    def full_name(node: Mapping[str, Any], namespace: str | None) -> tuple[str, str | None]:
        name = str(node.get("name", ""))
        if "." in name:
            return name, name.rpartition(".")[0]
        space = node.get("namespace", namespace) or None
        return (f"{space}.{name}" if space else name), space

    def convert(self, node: Any, namespace: str | None) -> ConnectSchema:
        if isinstance(node, str):
            return self.reference(node, namespace, {})
        if isinstance(node, list):
            return self.union(node, namespace)
        if not isinstance(node, Mapping):
            raise SchemaRefused(f"Invalid Avro schema: {node!r}")
        kind = node.get("type")
        if isinstance(kind, list | Mapping):
            return self.convert(kind, namespace)
        if kind in ("record", "error", "enum", "fixed"):
            full, space = self.full_name(node, namespace)
            self.named[full] = (node, space)
            return self.named_type(full, node, space)
        if kind == "array":
            return self.array(node.get("items"), namespace)
        if kind == "map":
            return ConnectSchema(
                "map",
                key=ConnectSchema("string"),
                value=self.convert(node.get("values"), namespace),
            )
        return self.reference(str(kind), namespace, node)

    def reference(
        self, name: str, namespace: str | None, props: Mapping[str, Any]
    ) -> ConnectSchema:
        if name == "null":
            raise SchemaRefused("Standalone null schemas are not supported by this converter")
        primitive = _PRIMITIVES.get(name)
        if primitive is not None:
            logical = str(props.get("logicalType", "")).lower()
            if name == "bytes" and logical == "decimal":
                return _decimal(props)
            special = _LOGICAL.get((name, logical))
            if special is not None:
                return ConnectSchema(primitive, special)
            if name == "int" and props.get("connect.type") in _INT_TYPES:
                return ConnectSchema(_INT_TYPES[props["connect.type"]])
            return ConnectSchema(primitive)
        full = name if "." in name or not namespace else f"{namespace}.{name}"
        found = self.named.get(full)
        if found is None:
            found = self.named.get(name)
            full = name
        if found is None:
            raise SchemaRefused(f"Couldn't translate unsupported schema type {name}.")
        return self.named_type(full, found[0], found[1])

    def named_type(self, full: str, node: Mapping[str, Any], space: str | None) -> ConnectSchema:
        kind = node.get("type")
        if kind == "enum":
            return ConnectSchema("string")
        if kind == "fixed":
            if str(node.get("logicalType", "")).lower() == "decimal":
                return _decimal(node)
            return ConnectSchema("bytes")
        if full in self.open:
            raise SchemaRefused(f"Recursive Avro schemas are not supported: {full}")
        self.open.add(full)
        try:
            fields = tuple(
                (str(f.get("name")), self.convert(f.get("type"), space))
                for f in node.get("fields", ())
            )
        finally:
            self.open.discard(full)
        return ConnectSchema("struct", full, fields=fields)

    def array(self, items: Any, namespace: str | None) -> ConnectSchema:
        if isinstance(items, Mapping) and items.get("type") == "record":
            full, space = self.full_name(items, namespace)
            if full == _MAP_ENTRY or items.get("connect.internal.type") == "MapEntry":
                fields = {f.get("name"): f.get("type") for f in items.get("fields", ())}
                if len(fields) != 2 or "key" not in fields or "value" not in fields:
                    raise SchemaRefused(
                        "Found map encoded as array of key-value pairs, but array elements do "
                        "not match the expected format."
                    )
                self.named[full] = (items, space)
                return ConnectSchema(
                    "map",
                    key=self.convert(fields["key"], space),
                    value=self.convert(fields["value"], space),
                    map_entries=True,
                )
        return ConnectSchema("array", value=self.convert(items, namespace))

    def union(self, members: list[Any], namespace: str | None) -> ConnectSchema:
        if len(members) == 1:
            return self.convert(members[0], namespace)
        others = [m for m in members if not _is_null(m)]
        if len(members) == 2 and len(others) == 1:
            return self.convert(others[0], namespace).with_optional()
        fields: list[tuple[str, ConnectSchema]] = []
        branches: list[str] = []
        for member in others:
            field_name, branch = self.branch(member, namespace)
            if any(name == field_name for name, _ in fields):
                raise SchemaRefused("Multiple union schemas map to the Connect union field name")
            fields.append((field_name, self.convert(member, namespace).with_optional()))
            branches.append(branch)
        return ConnectSchema(
            "struct",
            UNION,
            optional=len(others) < len(members),
            fields=tuple(fields),
            branches=tuple(branches),
        )

    def branch(self, member: Any, namespace: str | None) -> tuple[str, str]:
        """The union field name AvroData gives `member`, and its Avro type for dispatch."""
        node = member
        if isinstance(member, str) and member not in _PRIMITIVES and member not in ("array", "map"):
            full = member if "." in member or not namespace else f"{namespace}.{member}"
            found = self.named.get(full) or self.named.get(member)
            if found is not None:
                node = found[0]
        if isinstance(node, Mapping):
            kind = node.get("type")
            if kind in ("record", "error", "enum", "fixed"):
                full, _ = self.full_name(node, namespace)
                return full.rpartition(".")[2], f"{kind}:{full}"
            if isinstance(kind, str):
                return kind, kind
        return str(node), str(node)


def _is_null(member: Any) -> bool:
    return member == "null" or (isinstance(member, Mapping) and member.get("type") == "null")


def _decimal(node: Mapping[str, Any]) -> ConnectSchema:
    precision = node.get("precision", 64)
    scale = node.get("scale", 0)
    if not isinstance(precision, int) or isinstance(precision, bool):
        raise SchemaRefused(
            "precision property must be a JSON Integer. "
            "https://avro.apache.org/docs/1.9.1/spec.html#Decimal"
        )
    return ConnectSchema(
        "bytes", DECIMAL, scale=scale if isinstance(scale, int) else 0, precision=precision
    )


def to_connect(schema: Any) -> ConnectSchema:
    """The Connect schema of parsed Avro `schema`; SchemaRefused when AvroData would refuse it."""
    return _Converter().convert(schema, None)
