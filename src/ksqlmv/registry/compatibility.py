"""Schema compatibility: Avro's reader/writer resolution rules, and the seven registry levels.

`reader_writer_incompatibilities(reader, writer)` decides whether data written with `writer` can
be read with `reader`, following Avro's schema-resolution rules as Avro-Java's
`SchemaCompatibility` (what Schema Registry runs) applies them: same primitive; the promotions
int -> long/float/double, long -> float/double, float -> double, string <-> bytes; records matched
by unqualified name (or a reader alias naming the writer's full name), fields by name or reader
field alias, a reader field missing from the writer needs a default; enums need every writer symbol
unless the reader enum has a default; fixed sizes equal; arrays and maps by element type; every
branch of a writer union readable; a non-union writer readable by some reader branch.

It walks `avro.schema` objects and reuses `avro.compatibility`'s field lookup and type names. It
does not call `avro.compatibility.ReaderWriterCompatibilityChecker` for the verdict because that
port merges messages and locations into sets (so a message cannot be paired with its path) and
compares record aliases unqualified, so a reader `ns.B` with alias `A` does not match a writer
`ns.A`, where Avro-Java matches it; the tests check both agree everywhere else.

`check(level, new, previous)` runs a level over a subject's history and returns the registry's
message list (empty when compatible), worded as Confluent's registry words it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import avro.schema
from avro.compatibility import SchemaIncompatibilityType, lookup_writer_field

__all__ = [
    "CompatibilityLevel",
    "Incompatibility",
    "PreviousSchema",
    "check",
    "reader_writer_incompatibilities",
]

MAX_SCHEMA_IN_MESSAGE = 10 * 1024

# Writer types each reader type accepts besides its own (Avro's promotions).
_PROMOTIONS: dict[str, frozenset[str]] = {
    "long": frozenset({"int"}),
    "float": frozenset({"int", "long"}),
    "double": frozenset({"int", "long", "float"}),
    "bytes": frozenset({"string"}),
    "string": frozenset({"bytes"}),
}
_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})

_DESCRIPTIONS = {
    SchemaIncompatibilityType.fixed_size_mismatch: (
        "The size of FIXED type field at path '{path}' in the {reader} schema does not match "
        "with the {writer} schema"
    ),
    SchemaIncompatibilityType.type_mismatch: (
        "The type (path '{path}') of a field in the {reader} schema does not match with the "
        "{writer} schema"
    ),
    SchemaIncompatibilityType.name_mismatch: "The name of the schema has changed (path '{path}')",
    SchemaIncompatibilityType.missing_enum_symbols: (
        "The {reader} schema is missing enum symbols '{info}' at path '{path}' in the {writer} "
        "schema"
    ),
    SchemaIncompatibilityType.missing_union_branch: (
        "The {reader} schema is missing a type inside a union field at path '{path}' in the "
        "{writer} schema"
    ),
    SchemaIncompatibilityType.reader_field_missing_default_value: (
        "The field '{info}' at path '{path}' in the {reader} schema has no default value and is "
        "missing in the {writer} schema"
    ),
}


class CompatibilityLevel(enum.Enum):
    """The registry's compatibility levels: direction, and whether all history or the newest."""

    NONE = ("none", False)
    BACKWARD = ("backward", False)
    BACKWARD_TRANSITIVE = ("backward", True)
    FORWARD = ("forward", False)
    FORWARD_TRANSITIVE = ("forward", True)
    FULL = ("full", False)
    FULL_TRANSITIVE = ("full", True)

    @property
    def direction(self) -> str:
        """`backward` (new reads old), `forward` (old reads new), `full` (both) or `none`."""
        return self.value[0]

    @property
    def transitive(self) -> bool:
        """Whether every undeleted version is checked, not only the newest."""
        return self.value[1]

    @classmethod
    def parse(cls, text: object) -> CompatibilityLevel | None:
        """A level by name, any case; None for anything else."""
        if not isinstance(text, str):
            return None
        return cls.__members__.get(text.upper())


@dataclass(frozen=True, slots=True)
class Incompatibility:
    """One way a reader cannot read a writer: what, where (a JSON-pointer path) and detail."""

    kind: SchemaIncompatibilityType
    location: str
    info: str

    def describe(self, reader: str, writer: str) -> str:
        """The registry's wording, with `reader`/`writer` named `new` or `old`."""
        description = _DESCRIPTIONS[self.kind].format(
            path=self.location, reader=reader, writer=writer, info=self.info
        )
        return (
            f"{{errorType:'{self.kind.name.upper()}', description:'{description}', "
            f"additionalInfo:'{self.info}'}}"
        )


@dataclass(frozen=True, slots=True)
class PreviousSchema:
    """A registered version the new schema is checked against."""

    version: int
    canonical: str
    avro: avro.schema.Schema


def reader_writer_incompatibilities(
    reader: avro.schema.Schema, writer: avro.schema.Schema
) -> list[Incompatibility]:
    """Everything that stops `reader` from reading data written with `writer`, in order."""
    return _Checker().compare(reader, writer, [])


class _Checker:
    def __init__(self) -> None:
        # Pairs under comparison: a recursive type meeting itself again counts as compatible.
        self._in_progress: set[tuple[int, int]] = set()

    def compare(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: list[str]
    ) -> list[Incompatibility]:
        pair = (id(reader), id(writer))
        if pair in self._in_progress:
            return []
        self._in_progress.add(pair)
        try:
            return self._compare(reader, writer, path)
        finally:
            self._in_progress.discard(pair)

    def _compare(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: list[str]
    ) -> list[Incompatibility]:
        rtype, wtype = _kind(reader), _kind(writer)
        if rtype == wtype:
            handler = _SAME_TYPE.get(rtype)
            return handler(self, reader, writer, path) if handler else []
        if wtype == "union":
            found: list[Incompatibility] = []
            for branch in cast(avro.schema.UnionSchema, writer).schemas:
                found += self.compare(reader, branch, path)
            return found
        if rtype in _PROMOTIONS and wtype in _PROMOTIONS[rtype]:
            return []
        if rtype == "union":
            branches = cast(avro.schema.UnionSchema, reader).schemas
            if any(not self.compare(branch, writer, path) for branch in branches):
                return []
            return [
                _at(
                    SchemaIncompatibilityType.missing_union_branch,
                    path,
                    f"reader union lacking writer type: {wtype.upper()}",
                )
            ]
        return [
            _at(
                SchemaIncompatibilityType.type_mismatch,
                path,
                f"reader type: {rtype.upper()} not compatible with writer type: {wtype.upper()}",
            )
        ]

    def _array(
        self, reader: avro.schema.ArraySchema, writer: avro.schema.ArraySchema, path: list[str]
    ) -> list[Incompatibility]:
        return self.compare(reader.items, writer.items, [*path, "items"])

    def _map(
        self, reader: avro.schema.MapSchema, writer: avro.schema.MapSchema, path: list[str]
    ) -> list[Incompatibility]:
        return self.compare(reader.values, writer.values, [*path, "values"])

    def _fixed(
        self, reader: avro.schema.FixedSchema, writer: avro.schema.FixedSchema, path: list[str]
    ) -> list[Incompatibility]:
        found = _names(reader, writer, path)
        if reader.size != writer.size:
            info = f"expected: {writer.size}, found: {reader.size}"
            found.append(_at(SchemaIncompatibilityType.fixed_size_mismatch, [*path, "size"], info))
        return found

    def _enum(
        self, reader: avro.schema.EnumSchema, writer: avro.schema.EnumSchema, path: list[str]
    ) -> list[Incompatibility]:
        found = _names(reader, writer, path)
        missing = sorted(set(writer.symbols) - set(reader.symbols))
        default = reader.props.get("default")
        if missing and not (default is not None and default in reader.symbols):
            info = "[" + ", ".join(missing) + "]"
            kind = SchemaIncompatibilityType.missing_enum_symbols
            found.append(_at(kind, [*path, "symbols"], info))
        return found

    def _record(
        self, reader: avro.schema.RecordSchema, writer: avro.schema.RecordSchema, path: list[str]
    ) -> list[Incompatibility]:
        found = _names(reader, writer, path)
        for position, field in enumerate(reader.fields):
            field_path = [*path, "fields", str(position)]
            writer_field = lookup_writer_field(writer_schema=writer, reader_field=field)
            if writer_field is not None:
                found += self.compare(field.type, writer_field.type, [*field_path, "type"])
            elif field.has_default:
                continue
            elif _kind(field.type) == "enum" and field.type.props.get("default") is not None:
                # Avro-Java's rule for an enum field with an enum default: compare the enum with
                # the writer record itself (it never matches, so this stays incompatible).
                found += self.compare(field.type, writer, [*field_path, "type"])
            else:
                found.append(
                    _at(
                        SchemaIncompatibilityType.reader_field_missing_default_value,
                        field_path,
                        field.name,
                    )
                )
        return found

    def _union(
        self, reader: avro.schema.UnionSchema, writer: avro.schema.UnionSchema, path: list[str]
    ) -> list[Incompatibility]:
        found: list[Incompatibility] = []
        for position, branch in enumerate(writer.schemas):
            if self.compare(reader, branch, path):
                found.append(
                    _at(
                        SchemaIncompatibilityType.missing_union_branch,
                        [*path, str(position)],
                        f"reader union lacking writer type: {_kind(branch).upper()}",
                    )
                )
        return found


_SameType = Callable[[_Checker, Any, Any, list[str]], list[Incompatibility]]
_SAME_TYPE: dict[str, _SameType] = {
    "array": _Checker._array,
    "map": _Checker._map,
    "fixed": _Checker._fixed,
    "enum": _Checker._enum,
    "record": _Checker._record,
    "union": _Checker._union,
}


def _kind(schema: avro.schema.Schema) -> str:
    kind: str = schema.type
    return "record" if kind in ("error", "request") else kind


def _at(kind: SchemaIncompatibilityType, path: list[str], info: str) -> Incompatibility:
    return Incompatibility(kind, "/" + "/".join(path), info)


def _names(
    reader: avro.schema.NamedSchema, writer: avro.schema.NamedSchema, path: list[str]
) -> list[Incompatibility]:
    if reader.name == writer.name:
        return []
    space = reader.namespace or None
    aliases: list[str] = list(cast(list[str], reader.props.get("aliases") or []))
    qualified = {alias if "." in alias or not space else f"{space}.{alias}" for alias in aliases}
    if writer.fullname in qualified:
        return []
    info = f"expected: {writer.fullname}"
    return [_at(SchemaIncompatibilityType.name_mismatch, [*path, "name"], info)]


def _describe(
    incompatibilities: list[Incompatibility],
    previous: PreviousSchema,
    reader: str,
    writer: str,
    with_schema: bool,
) -> list[str]:
    messages = [item.describe(reader, writer) for item in incompatibilities]
    if messages and with_schema:
        messages.append(f"{{oldSchemaVersion: {previous.version}}}")
        text = previous.canonical
        if len(text) <= MAX_SCHEMA_IN_MESSAGE:
            messages.append(f"{{oldSchema: '{text}'}}")
        else:
            messages.append(f"{{oldSchema: <truncated> '{text[:MAX_SCHEMA_IN_MESSAGE]}...'}}")
    return messages


def _against(direction: str, new: avro.schema.Schema, previous: PreviousSchema) -> list[str]:
    if direction == "backward":
        found = reader_writer_incompatibilities(new, previous.avro)
        return _describe(found, previous, "new", "old", True)
    old_reads_new = reader_writer_incompatibilities(previous.avro, new)
    if direction == "forward":
        return _describe(old_reads_new, previous, "old", "new", True)
    new_reads_old = reader_writer_incompatibilities(new, previous.avro)
    return _describe(old_reads_new, previous, "old", "new", False) + _describe(
        new_reads_old, previous, "new", "old", True
    )


def check(
    level: CompatibilityLevel,
    new: avro.schema.Schema,
    previous: Sequence[PreviousSchema],
) -> list[str]:
    """The registry's messages for `new` against `previous` (oldest first); empty if compatible.

    Non-transitive levels look at the newest version only; transitive ones walk back from the
    newest and stop at the first version that fails, as the registry's validators do.
    """
    if level is CompatibilityLevel.NONE or not previous:
        return []
    candidates = list(reversed(previous))
    if not level.transitive:
        candidates = candidates[:1]
    for candidate in candidates:
        messages = _against(level.direction, new, candidate)
        if messages:
            return [*messages, f"{{validateFields: 'false', compatibility: '{level.name}'}}"]
    return []
