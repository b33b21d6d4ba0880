"""Avro schemas as the registry keeps them: parsed, validated, in canonical form, with identity.

The registry never stores the text a client sent. It stores the *canonical form*: the compact
JSON that Avro-Java's `Schema.toString()` prints for the parsed schema (Confluent's
`AvroSchema.canonicalString`), so whitespace, key order and `"name":"ns.X"` versus
`"name":"X","namespace":"ns"` never make a new schema id. With `normalize`, aliases and custom
properties are also sorted first (Confluent's `AvroSchemaUtils` normalization), then printed in
canonical form.

The printing rules, as Avro-Java applies them:
- named types: `type`, `name`, `namespace` (only when it differs from the enclosing one, `""` when
  a null namespace sits inside a non-null one), `doc`, then `fields` / `symbols` (+ enum
  `default`) / `size`, custom properties, `aliases`; a type already printed (or defined by a
  referenced schema) is printed as its name, short when in the current namespace;
- fields: `name`, `type`, `doc`, `default`, `order` (unless ascending), `aliases`, properties;
- `array` / `map`: `type`, `items` / `values`, properties; a primitive with no properties is its
  bare name, so `{"type": "string"}` prints as `"string"`. Reserved words never print as
  properties: a primitive's `doc` is dropped, as Avro-Java drops it.

Parsing uses the `avro` package; a new registration also has its field defaults checked against
their types (a union's default against its first branch), as Avro-Java checks them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import avro.errors
import avro.name
import avro.schema

from ksqlmv.errors import RegistryError

__all__ = [
    "ParsedSchema",
    "SchemaReference",
    "invalid_schema",
    "parse_schema",
    "schema_identity",
]

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED = frozenset({"record", "error", "enum", "fixed"})
SCHEMA_RESERVED = frozenset(
    {"doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type",
     "aliases", "default"}
)  # fmt: skip
FIELD_RESERVED = frozenset({"default", "doc", "name", "order", "type", "aliases"})
LOGICAL_PROPS = ("logicalType", "precision", "scale")

Json = Any


@dataclass(frozen=True, slots=True)
class SchemaReference:
    """A reference from one schema to a named type registered under another subject."""

    name: str
    subject: str
    version: int

    def to_json(self) -> dict[str, Any]:
        """The reference as the REST API and the `_schemas` topic spell it."""
        return {"name": self.name, "subject": self.subject, "version": self.version}


@dataclass(frozen=True, slots=True)
class ParsedSchema:
    """A schema that parsed: its canonical text, references and Avro object (for checks)."""

    canonical: str
    references: tuple[SchemaReference, ...]
    avro: avro.schema.Schema


def invalid_schema(details: str) -> RegistryError:
    """The registry's 42201, worded as Confluent words an Avro parse failure."""
    return RegistryError(42201, f"Invalid schema of type AVRO, details: {details}")


def parse_schema(
    text: str,
    references: Sequence[SchemaReference] = (),
    resolved: Sequence[str] = (),
    *,
    normalize: bool = False,
    validate_defaults: bool = False,
) -> ParsedSchema:
    """Parse and validate `text`; `resolved` holds the referenced schemas' texts, dependencies
    first. Raises `RegistryError` 42201 with the parser's reason when the schema is invalid."""
    try:
        document = json.loads(text)
    except (ValueError, TypeError) as error:
        raise invalid_schema(f"Invalid JSON: {error}") from None
    known: set[str] = set()
    with warnings.catch_warnings():
        # An unknown or invalid logical type is ignored, as Avro-Java ignores it; the parsers
        # would otherwise warn about it on every parse.
        warnings.simplefilter("ignore")
        parsed, document = _parse_avro(document, resolved, known, normalize, validate_defaults)
    canonical = _dumps(_canonical(document, None, known))
    return ParsedSchema(canonical, tuple(references), parsed)


def _parse_avro(
    document: Json,
    resolved: Sequence[str],
    known: set[str],
    normalize: bool,
    validate_defaults: bool,
) -> tuple[avro.schema.Schema, Json]:
    """Parse the referenced schemas, then `document`, into one name space: the Avro object and
    the document (normalized when asked). `known` collects the referenced types' full names."""
    names = avro.name.Names()
    try:
        for reference_text in resolved:
            reference_doc = json.loads(reference_text)
            avro.schema.make_avsc_object(reference_doc, names)
            _canonical(reference_doc, None, known)
        if normalize:
            document = _normalized(document)
        parsed = avro.schema.make_avsc_object(document, names)
    except avro.errors.AvroException as error:
        raise invalid_schema(str(error)) from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise invalid_schema(f"{type(error).__name__}: {error}") from None
    if validate_defaults:
        _check_defaults(parsed, set())
    return parsed, document


def _check_defaults(schema: avro.schema.Schema, seen: set[str]) -> None:
    """Refuse a field default that does not fit its type, as Avro-Java's parser does when it
    validates defaults (new registrations): a union's default fits its first branch."""
    if isinstance(schema, avro.schema.NamedSchema):
        if schema.fullname in seen:
            return
        seen.add(schema.fullname)
    if isinstance(schema, avro.schema.RecordSchema):
        for field in schema.fields:
            if field.has_default and not _fits(field.type, field.default):
                shown, expected = _dumps(field.default), _dumps(field.type.to_json())
                raise invalid_schema(
                    f"Invalid default for field {field.name}: {shown} not a {expected}"
                )
            _check_defaults(field.type, seen)
    elif isinstance(schema, avro.schema.ArraySchema):
        _check_defaults(schema.items, seen)
    elif isinstance(schema, avro.schema.MapSchema):
        _check_defaults(schema.values, seen)
    elif isinstance(schema, avro.schema.UnionSchema):
        for branch in schema.schemas:
            _check_defaults(branch, seen)


def _fits(schema: avro.schema.Schema, value: Json) -> bool:
    """Whether a JSON default value suits `schema` (Avro-Java's `isValidDefault`)."""
    kind = schema.type
    if kind in ("string", "bytes", "enum", "fixed"):
        return isinstance(value, str)
    if kind in ("int", "long"):
        limit = 2**31 if kind == "int" else 2**63
        return isinstance(value, int) and not isinstance(value, bool) and -limit <= value < limit
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    if isinstance(schema, avro.schema.ArraySchema):
        return isinstance(value, list) and all(_fits(schema.items, item) for item in value)
    if isinstance(schema, avro.schema.MapSchema):
        return isinstance(value, dict) and all(_fits(schema.values, v) for v in value.values())
    if isinstance(schema, avro.schema.UnionSchema):
        return bool(schema.schemas) and _fits(schema.schemas[0], value)
    if isinstance(schema, avro.schema.RecordSchema):
        return isinstance(value, dict) and all(
            _fits(field.type, value[field.name]) if field.name in value else field.has_default
            for field in schema.fields
        )
    return True


def schema_identity(
    canonical: str,
    references: Sequence[SchemaReference] = (),
    metadata: Json = None,
    rule_set: Json = None,
) -> tuple[str, str]:
    """The MD5 identity (hex) and the GUID it reads as: canonical text, references, metadata and
    rule set, each of the last two behind a 0x01 marker, as Confluent hashes them."""
    digest = hashlib.md5(canonical.encode(), usedforsecurity=False)
    for reference in references:
        digest.update(f"{reference.name}\0{reference.subject}\0{reference.version}".encode())
    for extra in (metadata, rule_set):
        if extra:
            digest.update(b"\x01" + _dumps(extra).encode())
    raw = digest.digest()
    return raw.hex(), str(uuid.UUID(bytes=raw))


def _dumps(value: Json) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _split_name(name: str, namespace: Json, enclosing: str | None) -> tuple[str, str | None]:
    if "." in name:
        space, _, short = name.rpartition(".")
        return short, space or None
    if namespace is not None:
        return name, namespace or None
    return name, enclosing


def _qualify(name: str, space: str | None) -> str:
    return f"{space}.{name}" if space else name


def _relative(full: str, space: str | None) -> str:
    prefix, _, short = full.rpartition(".")
    return short if (prefix or None) == space else full


def _props(node: dict[str, Any], reserved: frozenset[str]) -> dict[str, Json]:
    return {key: value for key, value in node.items() if key not in reserved}


def _canonical(node: Json, space: str | None, known: set[str]) -> Json:
    """Rebuild `node` in Avro-Java's printing order; `known` collects the full names printed."""
    if isinstance(node, str):
        if node in PRIMITIVES:
            return node
        return _relative(node if "." in node else _qualify(node, space), space)
    if isinstance(node, list):
        return [_canonical(branch, space, known) for branch in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if isinstance(kind, (dict, list)):
        return _canonical(kind, space, known)
    if kind in PRIMITIVES:
        props = _props(node, SCHEMA_RESERVED)
        return {"type": kind, **props} if props else kind
    if kind in ("array", "map"):
        child = "items" if kind == "array" else "values"
        return {"type": kind, child: _canonical(node.get(child), space, known)} | _props(
            node, SCHEMA_RESERVED
        )
    if kind not in NAMED:
        # A named type used as {"type": "ns.Name"}: a reference, not a definition.
        return _canonical(kind, space, known)
    short, own_space = _split_name(node["name"], node.get("namespace"), space)
    full = _qualify(short, own_space)
    if full in known:
        return _relative(full, space)
    known.add(full)
    out: dict[str, Json] = {"type": kind, "name": short}
    if own_space is not None and own_space != space:
        out["namespace"] = own_space
    elif own_space is None and space is not None:
        out["namespace"] = ""
    if "doc" in node:
        out["doc"] = node["doc"]
    if kind in ("record", "error"):
        out["fields"] = [_field(field, own_space, known) for field in node.get("fields", [])]
    elif kind == "enum":
        out["symbols"] = node.get("symbols")
        if "default" in node:
            out["default"] = node["default"]
    else:
        out["size"] = node.get("size")
    out.update(_props(node, SCHEMA_RESERVED))
    if node.get("aliases"):
        out["aliases"] = [
            _relative(alias if "." in alias else _qualify(alias, own_space), own_space)
            for alias in node["aliases"]
        ]
    return out


def _field(field: dict[str, Any], space: str | None, known: set[str]) -> dict[str, Json]:
    out: dict[str, Json] = {"name": field["name"], "type": _canonical(field["type"], space, known)}
    if "doc" in field:
        out["doc"] = field["doc"]
    if "default" in field:
        out["default"] = field["default"]
    order = field.get("order", "ascending")
    if isinstance(order, str) and order.lower() != "ascending":
        out["order"] = order.lower()
    if field.get("aliases"):
        out["aliases"] = field["aliases"]
    out.update(_props(field, FIELD_RESERVED))
    return out


def _normalized(node: Json) -> Json:
    """Sort aliases and custom properties (logical-type ones first), as Confluent normalizes."""
    if isinstance(node, list):
        return [_normalized(branch) for branch in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Json] = {}
    for key, value in node.items():
        if key not in SCHEMA_RESERVED:
            continue
        if key == "aliases" and isinstance(value, list):
            value = sorted(value)
        elif key in ("type", "items", "values"):
            value = _normalized(value)
        elif key == "fields" and isinstance(value, list):
            value = [_normalized_field(field) for field in value]
        out[key] = value
    return out | _sorted_props(_props(node, SCHEMA_RESERVED))


def _normalized_field(field: Json) -> Json:
    if not isinstance(field, dict):
        return field
    out: dict[str, Json] = {}
    for key, value in field.items():
        if key not in FIELD_RESERVED:
            continue
        if key == "aliases" and isinstance(value, list):
            value = sorted(value)
        elif key == "type":
            value = _normalized(value)
        out[key] = value
    return out | _sorted_props(_props(field, FIELD_RESERVED))


def _sorted_props(props: dict[str, Json]) -> dict[str, Json]:
    if props.get("logicalType") == "decimal" and props.get("scale") == 0:
        del props["scale"]
    first = {key: props[key] for key in LOGICAL_PROPS if key in props}
    return first | {key: props[key] for key in sorted(props) if key not in first}
