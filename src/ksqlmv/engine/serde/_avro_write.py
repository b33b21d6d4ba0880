"""Rows to the records fastavro writes, for a generated sink schema or a registered one.

A generated schema (see `avro_schema`) has one field per column, so a row becomes a dict by
position; MAPs become Connect's arrays of `{key, value}` records and DECIMALs are fitted to
their scale. A schema chosen by id (`VALUE_SCHEMA_ID`) is followed as ksqlDB's
`AvroSRSchemaDataTranslator` follows it: fields are matched by name, a field the columns do not
have takes its default (or NULL when it is optional), and a required field without a default is
an error for every record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde.base import ColumnLike, Row, compile_function
from ksqlmv.sql.types import ArrayType, DecimalType, MapType, SqlType, StructType

__all__ = ["row_encoder"]

Convert = Callable[[Any], Any]
_NAMED = ("record", "error", "enum", "fixed")


class _Builder:
    """Encoders from (Avro schema node, SQL type), resolving named types by full name."""

    def __init__(self) -> None:
        self.named: dict[str, tuple[Mapping[str, Any], str | None]] = {}

    def resolve(self, node: Any, space: str | None) -> tuple[Any, str | None]:
        if isinstance(node, Mapping):
            kind = node.get("type")
            if isinstance(kind, list | Mapping):
                return self.resolve(kind, space)
            if kind in _NAMED:
                name = str(node.get("name", ""))
                if "." in name:
                    full, space = name, name.rpartition(".")[0]
                else:
                    space = node.get("namespace", space) or None
                    full = f"{space}.{name}" if space else name
                self.named[full] = (node, space)
            return node, space
        if isinstance(node, str):
            full = node if "." in node or not space else f"{space}.{node}"
            found = self.named.get(full) or self.named.get(node)
            if found is not None:
                return found
        return node, space

    def build(self, node: Any, space: str | None, sql_type: SqlType) -> Convert | None:
        """The conversion of a non-NULL value; None when fastavro takes it as it is."""
        node, space = self.resolve(node, space)
        if isinstance(node, list):
            branches = [m for m in node if m != "null"]
            return self.build(branches[0], space, sql_type) if len(branches) == 1 else None
        if not isinstance(node, Mapping):
            return None
        kind = node.get("type")
        if isinstance(sql_type, DecimalType) and node.get("logicalType") == "decimal":
            precision, scale = int(node.get("precision", 64)), int(node.get("scale", 0))
            return lambda value: values.ensure_fit(value, precision, scale)
        if kind == "array" and isinstance(sql_type, ArrayType):
            element = self.build(node.get("items"), space, sql_type.element)
            if element is None:
                return None
            return lambda value: [None if x is None else element(x) for x in value]
        if kind == "array" and isinstance(sql_type, MapType):
            return self.entries(node.get("items"), space, sql_type)
        if kind == "map" and isinstance(sql_type, MapType):
            item = self.build(node.get("values"), space, sql_type.value)
            if item is None:
                return None
            return lambda value: {k: None if v is None else item(v) for k, v in value.items()}
        if kind in ("record", "error") and isinstance(sql_type, StructType):
            return self.record(node, space, sql_type)
        return None

    def entries(self, items: Any, space: str | None, sql_type: MapType) -> Convert:
        entry, entry_space = self.resolve(items, space)
        fields = {f.get("name"): f.get("type") for f in entry.get("fields", ())}
        item = self.build(fields.get("value"), entry_space, sql_type.value)
        if item is None:
            return lambda value: [{"key": k, "value": v} for k, v in value.items()]
        return lambda value: [
            {"key": k, "value": None if v is None else item(v)} for k, v in value.items()
        ]

    def record(self, node: Mapping[str, Any], space: str | None, sql_type: StructType) -> Convert:
        plan = self.fields(node, space, [(f.name, f.type) for f in sql_type.fields])

        def convert(value: Mapping[str, Any]) -> dict[str, Any]:
            result = {}
            for avro_name, source, default, field in plan:
                item = None if source is None else value.get(source)
                if item is None:
                    result[avro_name] = default()
                else:
                    result[avro_name] = item if field is None else field(item)
            return result

        return convert

    def fields(
        self, node: Mapping[str, Any], space: str | None, columns: Sequence[tuple[str, SqlType]]
    ) -> list[tuple[str, str | None, Callable[[], Any], Convert | None]]:
        """(Avro field, source column or None, value for NULL, conversion) per Avro field.

        As Connect's `Struct.get` does, a NULL (or absent) value takes the field's default.
        """
        by_name = {name.replace(".", "_"): (name, sql_type) for name, sql_type in columns}
        plan: list[tuple[str, str | None, Callable[[], Any], Convert | None]] = []
        for field in node.get("fields", ()):
            avro_name = str(field.get("name"))
            found = by_name.get(avro_name)
            if found is not None:
                convert = self.build(field.get("type"), space, found[1])
                plan.append((avro_name, found[0], _default(field, space, self, True), convert))
            else:
                plan.append((avro_name, None, _default(field, space, self, False), None))
        return plan


def _no_default() -> Any:
    return None


def _default(
    field: Mapping[str, Any], space: str | None, builder: _Builder, present: bool
) -> Callable[[], Any]:
    """What a field gets for NULL: its default, else NULL when optional, else an error.

    ksqlDB's message differs for a field the columns lack and a column that is NULL.
    """
    if "default" in field:
        default = field["default"]
        return lambda: default
    node, _ = builder.resolve(field.get("type"), space)
    if isinstance(node, list) and "null" in node:
        return _no_default
    name = field.get("name")
    if present:
        kind = node.get("type") if isinstance(node, Mapping) else node
        connect = _CONNECT_TYPES.get(str(kind), str(kind).upper())
        message = f'Invalid value: null used for required field: "{name}", schema type: {connect}'
    else:
        message = (
            f"Missing default value for required Avro field: [{name}]. This field appears in "
            "Avro schema in Schema Registry"
        )

    def missing() -> Any:
        raise ValueError(message)

    return missing


_CONNECT_TYPES = {
    "int": "INT32",
    "long": "INT64",
    "float": "FLOAT32",
    "double": "FLOAT64",
    "boolean": "BOOLEAN",
    "string": "STRING",
    "bytes": "BYTES",
    "fixed": "BYTES",
    "enum": "STRING",
    "record": "STRUCT",
}


def row_encoder(
    schema: Any, columns: Sequence[ColumnLike], *, unwrapped: bool
) -> Callable[[Row], Any]:
    """A function from a row to the datum fastavro writes with Avro `schema` (parsed JSON)."""
    builder = _Builder()
    if unwrapped:
        single = builder.build(schema, None, columns[0].type)
        if single is None:
            return lambda row: row[0]
        one: Convert = single
        return lambda row: None if row[0] is None else one(row[0])
    node, space = builder.resolve(schema, None)
    if not isinstance(node, Mapping) or node.get("type") not in ("record", "error"):
        raise ValueError("the Avro schema of a row must be a record")
    plan = builder.fields(node, space, [(c.name, c.type) for c in columns])
    known = {avro_name for avro_name, *_ in plan}
    namespace: dict[str, Any] = {}
    items = []
    index_of = {c.name: i for i, c in enumerate(columns)}
    for position, (avro_name, source, default, convert) in enumerate(plan):
        if source is None:
            namespace[f"D{position}"] = default
            items.append(f"{avro_name!r}: D{position}()")
        else:
            x = f"x{index_of[source]}"
            namespace[f"D{position}"] = default
            value = x if convert is None else f"C{position}({x})"
            if convert is not None:
                namespace[f"C{position}"] = convert
            items.append(f"{avro_name!r}: D{position}() if {x} is None else {value}")
    lines = ["def encode(row):"]
    for column in columns:
        if column.name.replace(".", "_") not in known:
            namespace["_absent"] = _absent
            lines.append(f"    _absent({column.name!r})")
            break
    unpack = "".join(f"x{i}, " for i in range(len(columns)))
    if columns:
        lines.append(f"    {unpack}= row")
    lines.append(f"    return {{{', '.join(items)}}}")
    return compile_function("\n".join(lines), namespace, "encode")


def _absent(name: str) -> None:
    raise ValueError(f"Schema from Schema Registry misses field with name: {name}")
