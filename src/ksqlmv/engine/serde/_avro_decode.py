"""Avro binary decoding, compiled per writer schema, with the row built as it is read.

fastavro's reader is general: it interprets the schema for every record and resolves each
union at run time, which makes records of optional fields (all of ksqlDB's own) slow to read.
Here each writer schema gets its own reader, made of small functions chosen once per schema
node; a record's top-level fields are read by generated straight-line code that also builds
the row (with the conversions `_avro_read` plans), so nothing is interpreted per record.

Values come out as fastavro's reader gives them with logical types off but `decimal` on:
records as dicts by writer field name, enums as their symbols, fixed and bytes as bytes,
decimals as exact `Decimal`s, a union's value as itself (or `(record name, value)` when the union
has more than one record branch, as fastavro's `return_record_name_override` gives it).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.engine.serde._avro_read import row_expressions, row_fields
from ksqlmv.engine.serde._connect import ConnectSchema
from ksqlmv.engine.serde.base import ColumnLike, Row, compile_function

__all__ = [
    "DECODING_ERRORS",
    "AvroDecodeError",
    "is_record",
    "read_long",
    "row_decoder",
    "value_decoder",
]

Read = Callable[[bytes, int], tuple[Any, int]]


class AvroDecodeError(ValueError):
    """Bytes that are not a value of the writer's schema."""


# Everything reading bytes can raise; any other error comes from converting the values.
DECODING_ERRORS = (IndexError, EOFError, UnicodeDecodeError, struct.error, AvroDecodeError)

_FLOAT = struct.Struct("<f").unpack_from
_DOUBLE = struct.Struct("<d").unpack_from
_NAMED = ("record", "error", "enum", "fixed")


def read_long(data: bytes, i: int) -> tuple[int, int]:
    """A zigzag varint (Avro `int` and `long`) at `i`, and the position after it."""
    byte = data[i]
    if byte < 0x80:
        return (byte >> 1) ^ -(byte & 1), i + 1
    value = byte & 0x7F
    shift = 7
    i += 1
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return (value >> 1) ^ -(value & 1), i
        shift += 7


def _read_null(data: bytes, i: int) -> tuple[Any, int]:
    return None, i


def _read_boolean(data: bytes, i: int) -> tuple[Any, int]:
    return data[i] == 1, i + 1


def _read_float(data: bytes, i: int) -> tuple[Any, int]:
    return _FLOAT(data, i)[0], i + 4


def _read_double(data: bytes, i: int) -> tuple[Any, int]:
    return _DOUBLE(data, i)[0], i + 8


def _read_bytes(data: bytes, i: int) -> tuple[Any, int]:
    size, i = read_long(data, i)
    end = i + size
    if end > len(data):
        raise EOFError("Unexpected end of input reading bytes")
    return data[i:end], end


def _read_string(data: bytes, i: int) -> tuple[Any, int]:
    size, i = read_long(data, i)
    end = i + size
    if end > len(data):
        raise EOFError("Unexpected end of input reading a string")
    return data[i:end].decode("utf-8"), end


_PRIMITIVES: dict[str, Read] = {
    "null": _read_null,
    "boolean": _read_boolean,
    "int": read_long,
    "long": read_long,
    "float": _read_float,
    "double": _read_double,
    "bytes": _read_bytes,
    "string": _read_string,
}


def _decimal(raw: Read, scale: int) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        value, i = raw(data, i)
        unscaled = int.from_bytes(value, "big", signed=True)
        return Decimal(f"{unscaled}E{-scale}"), i  # exact, as Java's BigDecimal

    return read


def _fixed(size: int) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        end = i + size
        if end > len(data):
            raise EOFError("Unexpected end of input reading a fixed")
        return data[i:end], end

    return read


def _enum(symbols: Sequence[str]) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        index, i = read_long(data, i)
        return symbols[index], i

    return read


def _blocks(item: Read, keyed: bool) -> Read:
    """Arrays and maps: blocks of items, a negative count followed by the block's size."""

    def read(data: bytes, i: int) -> tuple[Any, int]:
        items: Any = {} if keyed else []
        while True:
            count, i = read_long(data, i)
            if count == 0:
                return items, i
            if count < 0:
                count = -count
                _, i = read_long(data, i)
            for _ in range(count):
                if keyed:
                    key, i = _read_string(data, i)
                    items[key], i = item(data, i)
                else:
                    value, i = item(data, i)
                    items.append(value)

    return read


def _record(fields: Sequence[tuple[str, Read]]) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        result = {}
        for name, field in fields:
            result[name], i = field(data, i)
        return result, i

    return read


def _union(branches: Sequence[Read]) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        index, i = read_long(data, i)
        if not 0 <= index < len(branches):
            raise AvroDecodeError(f"Unknown union branch {index}")
        return branches[index](data, i)

    return read


def _optional(branch: Read, null_first: bool) -> Read:
    """The commonest union, `["null", T]`: one byte says which."""
    present = 2 if null_first else 0
    absent = 0 if null_first else 2

    def read(data: bytes, i: int) -> tuple[Any, int]:
        tag = data[i]
        if tag == absent:
            return None, i + 1
        if tag == present:
            return branch(data, i + 1)
        raise AvroDecodeError(f"Unknown union branch {(tag >> 1) ^ -(tag & 1)}")

    return read


def _named(record: Read, name: str) -> Read:
    def read(data: bytes, i: int) -> tuple[Any, int]:
        value, i = record(data, i)
        return (name, value), i

    return read


class _Compiler:
    """Readers for the nodes of one writer schema, resolving named types by full name."""

    def __init__(self) -> None:
        self.named: dict[str, tuple[Mapping[str, Any], str | None]] = {}

    def full_name(self, node: Mapping[str, Any], space: str | None) -> tuple[str, str | None]:
        name = str(node.get("name", ""))
        if "." in name:
            return name, name.rpartition(".")[0]
        space = node.get("namespace", space) or None
        return (f"{space}.{name}" if space else name), space

    def resolve(self, node: Any, space: str | None) -> tuple[Any, str | None]:
        if isinstance(node, str) and node not in _PRIMITIVES:
            full = node if "." in node or not space else f"{space}.{node}"
            found = self.named.get(full) or self.named.get(node)
            if found is None:
                raise AvroDecodeError(f"Unknown Avro type {node}")
            return found
        if isinstance(node, Mapping) and isinstance(node.get("type"), list | Mapping):
            return self.resolve(node["type"], space)
        return node, space

    def read(self, node: Any, space: str | None) -> Read:
        node, space = self.resolve(node, space)
        if isinstance(node, str):
            return _PRIMITIVES[node]
        if isinstance(node, list):
            return self.union(node, space)
        kind = node.get("type")
        if kind in _NAMED:
            full, space = self.full_name(node, space)
            self.named[full] = (node, space)
        decimal = node.get("logicalType") == "decimal"
        if kind == "fixed":
            fixed = _fixed(int(node["size"]))
            return _decimal(fixed, int(node.get("scale", 0))) if decimal else fixed
        if kind == "bytes" and decimal:
            return _decimal(_read_bytes, int(node.get("scale", 0)))
        if kind == "enum":
            return _enum(list(node.get("symbols", ())))
        if kind == "array":
            return _blocks(self.read(node.get("items"), space), keyed=False)
        if kind == "map":
            return _blocks(self.read(node.get("values"), space), keyed=True)
        if kind in ("record", "error"):
            return _record(
                [(str(f["name"]), self.read(f["type"], space)) for f in node.get("fields", ())]
            )
        return _PRIMITIVES[str(kind)]

    def union(self, members: list[Any], space: str | None) -> Read:
        resolved = [self.resolve(member, space)[0] for member in members]
        records = [
            m for m in resolved if isinstance(m, Mapping) and m.get("type") in ("record", "error")
        ]
        if len(members) == 2 and "null" in members:
            null_first = members[0] == "null"
            branch = self.read(members[1 if null_first else 0], space)
            return _optional(branch, null_first)
        branches = []
        for member, node in zip(members, resolved, strict=True):
            branch = self.read(member, space)
            if len(records) > 1 and node in records:
                branch = _named(branch, self.full_name(node, space)[0])
            branches.append(branch)
        return _union(branches)


def is_record(schema: Any) -> bool:
    """Whether `schema` is a record (not a union holding one)."""
    node, _ = _Compiler().resolve(schema, None)
    return isinstance(node, Mapping) and node.get("type") in ("record", "error")


def value_decoder(schema: Any) -> Callable[[bytes], Any]:
    """A reader of one whole Avro value in `schema`, after the 5-byte wire header."""
    read = _Compiler().read(schema, None)
    return lambda data: read(data, 5)[0]


def row_decoder(
    schema: Any, connect: ConnectSchema, columns: Sequence[ColumnLike]
) -> Callable[[bytes], Row]:
    """A reader of a record in `schema` straight into a row of `columns`.

    Fields no column takes are read past; the row is built with the conversions ksqlDB applies
    between this writer and the columns. Raises ValueError with ksqlDB's message when the writer
    cannot fill a column.
    """
    plan = row_fields(connect, columns)
    if not isinstance(plan, list):
        mismatch = plan
        return lambda data: mismatch(None)
    compiler = _Compiler()
    node, space = compiler.resolve(schema, None)
    compiler.read(node, space)  # registers the named types the fields refer to
    _, space = compiler.full_name(node, space)
    parts, namespace = row_expressions(plan, lambda k: f"f{k}")
    lines = ["def read(data):", "    i = 5"]
    for position, field in enumerate(node.get("fields", ())):
        namespace[f"R{position}"] = compiler.read(field["type"], space)
        lines.append(f"    f{position}, i = R{position}(data, i)")
    lines.append(f"    return ({''.join(p + ', ' for p in parts)})")
    return compile_function("\n".join(lines), namespace, "read")
