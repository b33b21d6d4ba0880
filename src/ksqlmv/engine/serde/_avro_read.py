"""Avro values to rows, with ksqlDB's `ConnectDataTranslator` coercions and errors.

The writer's schema (by the record's schema id) decides what fastavro returns; the reader
coerces that to the columns the way ksqlDB does: INTEGER reads int, BIGINT reads int or long,
DOUBLE reads float or double, STRING reads any number or boolean as its Java text, struct fields
match by name exactly or else upper-cased (unknown writer fields are ignored, missing ones are
NULL), DECIMALs are fitted to the column. Any other pairing fails with "Cannot deserialize type
int64 as type int32 for path: ->FIELD", for every record of that schema.

The values come as `_avro_decode` reads them: logical types other than `decimal` are left as
their integers, which is our representation of dates, times and timestamps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.engine.serde import _values as values
from ksqlmv.engine.serde._avro_encode import unscaled_bytes
from ksqlmv.engine.serde._connect import ConnectSchema
from ksqlmv.engine.serde.base import ColumnLike, compile_function, row_struct
from ksqlmv.sql.types import ArrayType, BaseType, DecimalType, MapType, SqlType, StructType

__all__ = [
    "row_converter",
    "row_expressions",
    "row_fields",
    "value_converter",
]

Convert = Callable[[Any], Any]

# The Connect type of each column type, and the writer types it accepts.
_TARGET: dict[BaseType, str] = {
    BaseType.BOOLEAN: "boolean",
    BaseType.INTEGER: "int32",
    BaseType.DATE: "int32",
    BaseType.TIME: "int32",
    BaseType.BIGINT: "int64",
    BaseType.TIMESTAMP: "int64",
    BaseType.DOUBLE: "float64",
    BaseType.STRING: "string",
    BaseType.BYTES: "bytes",
    BaseType.DECIMAL: "bytes",
    BaseType.ARRAY: "array",
    BaseType.MAP: "map",
    BaseType.STRUCT: "struct",
}
_ACCEPTS: dict[str, frozenset[str]] = {
    "int64": frozenset({"int64", "int32", "int16", "int8"}),
    "int32": frozenset({"int32", "int16", "int8"}),
    "float64": frozenset({"float32", "float64"}),
    "string": frozenset(
        {"int8", "int16", "int32", "int64", "float32", "float64", "boolean", "string"}
    ),
}


class _Mismatch:
    """A writer type a column cannot read: fails for every value, NULL included, as ksqlDB does."""

    def __init__(self, writer: ConnectSchema, target: str, path: str) -> None:
        self.message = f"Cannot deserialize type {writer.type} as type {target} for path: {path}"

    def __call__(self, value: Any) -> Any:
        raise ValueError(self.message)


def _unscaled(value: Decimal) -> bytes:
    sign, digits, _ = value.as_tuple()
    number = int("".join(map(str, digits)) or "0")
    return unscaled_bytes(-number if sign else number)


def _primitive(writer: ConnectSchema, target: SqlType) -> Convert | None:
    """The conversion for a primitive pair; None when the value is already right."""
    if isinstance(target, DecimalType):
        precision, scale = target.precision, target.scale
        return lambda value: values.ensure_fit(value, precision, scale)
    base = target.base
    if base is BaseType.STRING and writer.type != "string":
        if writer.type == "boolean":
            return lambda value: "true" if value else "false"
        if writer.type == "float64":
            return values.java_double
        if writer.type == "float32":
            return values.float32_text
        return int.__repr__
    if base is BaseType.BYTES and writer.name is not None:
        return _unscaled  # a writer DECIMAL read as BYTES: its unscaled bytes
    return None


def value_converter(writer: ConnectSchema, target: SqlType, path: str) -> Convert | None:
    """The conversion of one writer value (NULL included) to `target`; None for identity."""
    wanted = _TARGET[target.base]
    accepted = _ACCEPTS.get(wanted, frozenset({wanted}))
    if writer.type not in accepted:
        return _Mismatch(writer, wanted, path)
    if isinstance(target, ArrayType):
        assert writer.value is not None
        element = value_converter(writer.value, target.element, path + "->ARRAY")
        if element is None:
            return None
        return lambda value: None if value is None else [element(item) for item in value]
    if isinstance(target, MapType):
        return _map(writer, target, path)
    if isinstance(target, StructType):
        return _struct(writer, target, path)
    convert = _primitive(writer, target)
    if convert is None:
        return None
    return lambda value: None if value is None else convert(value)


def _map(writer: ConnectSchema, target: MapType, path: str) -> Convert | None:
    assert writer.key is not None and writer.value is not None
    key = value_converter(writer.key, target.key, path + "->MAP_KEY")
    item = value_converter(writer.value, target.value, path + "->MAP_VAL")
    if writer.map_entries:
        keyed = key or _same
        valued = item or _same
        return lambda value: (
            None
            if value is None
            else {keyed(entry["key"]): valued(entry["value"]) for entry in value}
        )
    if key is None and item is None:
        return None
    keyed, valued = key or _same, item or _same
    return lambda value: None if value is None else {keyed(k): valued(v) for k, v in value.items()}


def _same(value: Any) -> Any:
    return value


def _matches(writer: ConnectSchema, target: StructType) -> list[tuple[int, str, ConnectSchema]]:
    """(target index, writer field, writer schema): exact name, else the name upper-cased."""
    indexes = {field.name: index for index, field in enumerate(target.fields)}
    found: dict[int, tuple[str, ConnectSchema]] = {}
    for name, schema in writer.fields:
        index = indexes.get(name)
        if index is None:
            index = indexes.get(name.upper())
        if index is not None:
            found[index] = (name, schema)
    return [(index, name, schema) for index, (name, schema) in sorted(found.items())]


def _struct(writer: ConnectSchema, target: StructType, path: str) -> Convert:
    matches = _matches(writer, target)
    fields = []
    for index, name, schema in matches:
        field = target.fields[index]
        converted = value_converter(schema, field.type, f"{path}->{field.name}")
        fields.append((field.name, name, converted or _same))
    names = [field.name for field in target.fields]
    if writer.branches:
        return _union(writer, target, fields, names)

    def convert(value: Any) -> Any:
        if value is None:
            return None
        result = dict.fromkeys(names)
        for target_name, writer_name, field in fields:
            result[target_name] = field(value.get(writer_name))
        return result

    return convert


def _union(
    writer: ConnectSchema,
    target: StructType,
    fields: list[tuple[str, str, Convert]],
    names: list[str],
) -> Convert:
    """A union read as a STRUCT with one field per branch; the value's branch is set."""
    by_field = {writer_name: (target_name, field) for target_name, writer_name, field in fields}
    branch_of = dict(zip((name for name, _ in writer.fields), writer.branches, strict=True))
    chooser = _branch_chooser(branch_of)

    def convert(value: Any) -> Any:
        if value is None:
            return None
        writer_name, inner = chooser(value)
        result = dict.fromkeys(names)
        chosen = by_field.get(writer_name)
        if chosen is not None:
            result[chosen[0]] = chosen[1](inner)
        return result

    return convert


_PY_BRANCHES: dict[type, tuple[str, ...]] = {
    bool: ("boolean",),
    int: ("int", "long"),
    float: ("float", "double"),
    str: ("string", "enum"),
    bytes: ("bytes", "fixed"),
    Decimal: ("bytes", "fixed"),
    list: ("array",),
    dict: ("map", "record"),
}


def _branch_chooser(branch_of: dict[str, str]) -> Callable[[Any], tuple[str, Any]]:
    """Which union field a fastavro value belongs to, from its Python type (or record name)."""

    def choose(value: Any) -> tuple[str, Any]:
        if type(value) is tuple and len(value) == 2 and isinstance(value[0], str):
            for field, branch in branch_of.items():
                if branch.endswith((":" + value[0], "." + value[0])):
                    return field, value[1]
            value = value[1]
        kinds = _PY_BRANCHES.get(type(value), ())
        for field, branch in branch_of.items():
            if branch.partition(":")[0] in kinds:
                return field, value
        return "", value

    return choose


def row_fields(
    writer: ConnectSchema, columns: Sequence[ColumnLike]
) -> list[tuple[int | None, Convert | None]] | _Mismatch:
    """Per column: the writer field that fills it (its position) and the conversion (None for
    identity); a mismatch when the writer's schema is not a record."""
    if writer.type != "struct" or writer.branches:
        return _Mismatch(writer, "struct", "")
    target = row_struct(columns)
    positions = {name: position for position, (name, _) in enumerate(writer.fields)}
    plan: list[tuple[int | None, Convert | None]] = [(None, None)] * len(columns)
    for index, name, schema in _matches(writer, target):
        field = target.fields[index]
        plan[index] = (positions[name], value_converter(schema, field.type, "->" + field.name))
    return plan


def row_expressions(
    plan: list[tuple[int | None, Convert | None]], field: Callable[[int], str]
) -> tuple[list[str], dict[str, Any]]:
    """The Python expression of each column, reading writer field k as `field(k)`."""
    namespace: dict[str, Any] = {}
    parts = []
    for index, (position, convert) in enumerate(plan):
        if position is None:
            parts.append("None")
        elif convert is None:
            parts.append(field(position))
        else:
            namespace[f"C{index}"] = convert
            parts.append(f"C{index}({field(position)})")
    return parts, namespace


def row_converter(writer: ConnectSchema, columns: Sequence[ColumnLike]) -> Convert:
    """A function from fastavro's record to a row tuple, generated for this writer and columns.

    Raises ValueError with ksqlDB's message for the first column the writer cannot fill.
    """
    plan = row_fields(writer, columns)
    if isinstance(plan, _Mismatch):
        return plan
    names = [name for name, _ in writer.fields]
    if names == [c.name for c in columns] and all(c is None for _, c in plan):
        return lambda d: tuple(d.values())
    parts, namespace = row_expressions(plan, lambda k: f"d[{names[k]!r}]")
    source = f"def read(d):\n    return ({''.join(p + ', ' for p in parts)})"
    return compile_function(source, namespace, "read")
