"""Test-record values ("specs") ⇄ bytes, the way ksqlDB's test runner converts them.

Test files write keys and values as JSON. Like ksqlDB's runner, these serdes do not go through the
engine's own serdes: JSON specs are written as JSON text, DELIMITED specs are the line itself,
KAFKA specs are written with Kafka's primitive serializers for the column's type, and AVRO specs
are converted to Avro with the schema registered for the topic's subject. Reading back returns
the values the comparator expects (Avro records as dicts keyed by field name, DECIMALs as
`Decimal`, BYTES as `bytes`, numbers of JSON text with their exact decimal form).
"""

from __future__ import annotations

import base64
import io
import json
import struct
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import fastavro

from ksqlmv.engine.catalog import Column, KeyFormat, ValueFormat, WindowType
from ksqlmv.engine.testing.cases import WindowSpec
from ksqlmv.sql.types import BaseType

__all__ = ["SpecSerde", "spec_serde"]

_INT = struct.Struct(">i")
_LONG = struct.Struct(">q")
_DOUBLE = struct.Struct(">d")
_MAGIC = b"\x00"


class SpecSerde:
    """Converts one topic side (key or value) between spec values and bytes."""

    def __init__(
        self,
        write: Callable[[Any], bytes | None],
        read: Callable[[bytes | None], Any],
    ) -> None:
        self.write = write
        self.read = read


def _json_default(value: Any) -> Any:
    raise TypeError(f"cannot write {value!r} as JSON")


class _ExactDecimal(float):
    """A float subclass carrying a Decimal's exact text through json.dumps."""

    def __new__(cls, value: Decimal) -> _ExactDecimal:
        self = super().__new__(cls, float(value))
        setattr(self, "exact", str(value))  # noqa: B010 - floats take no annotated attributes
        return self

    def __repr__(self) -> str:
        return str(getattr(self, "exact"))  # noqa: B009


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _ExactDecimal(value)
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def _json_dumps(value: Any) -> str:
    # The pure-Python encoder writes floats with repr(); _ExactDecimal's repr is its exact text.
    return "".join(
        json.encoder._make_iterencode(  # type: ignore[attr-defined]
            {},
            _json_default,
            json.encoder.py_encode_basestring,
            None,
            repr,
            ":",
            ",",
            False,
            False,
            True,
        )(_to_json(value), 0)
    )


def _json_serde(exact: bool) -> SpecSerde:
    def write(spec: Any) -> bytes | None:
        if spec is None:
            return None
        return _json_dumps(spec).encode("utf-8")

    def read(data: bytes | None) -> Any:
        if data is None:
            return None
        text = data.decode("utf-8")
        return json.loads(text, parse_float=Decimal if exact else float)

    return SpecSerde(write, read)


def _string_serde() -> SpecSerde:
    def write(spec: Any) -> bytes | None:
        if spec is None:
            return None
        return (spec if isinstance(spec, str) else json.dumps(spec)).encode("utf-8")

    def read(data: bytes | None) -> Any:
        return None if data is None else data.decode("utf-8")

    return SpecSerde(write, read)


def _kafka_serde(columns: tuple[Column, ...]) -> SpecSerde:
    if not columns:
        return _string_serde()
    base = columns[0].type.base
    if base is BaseType.INTEGER:
        return SpecSerde(
            lambda v: None if v is None else _INT.pack(int(v)),
            lambda d: None if d is None else _INT.unpack(d)[0],
        )
    if base is BaseType.BIGINT:
        return SpecSerde(
            lambda v: None if v is None else _LONG.pack(int(v)),
            lambda d: None if d is None else _LONG.unpack(d)[0],
        )
    if base is BaseType.DOUBLE:
        from ksqlmv.engine.codegen.javatext import java_double

        return SpecSerde(
            lambda v: None if v is None else _DOUBLE.pack(float(v)),
            lambda d: None if d is None else Decimal(java_double(_DOUBLE.unpack(d)[0])),
        )
    if base is BaseType.BYTES:
        return SpecSerde(
            lambda v: None if v is None else str(v).encode("utf-8"),
            lambda d: None if d is None else d.decode("utf-8", "replace"),
        )
    return _string_serde()


# -- Avro ------------------------------------------------------------------------------------


def _strip_logical(schema: Any) -> Any:
    """The schema with logical types removed except decimals (kept for their scale)."""
    if isinstance(schema, list):
        return [_strip_logical(s) for s in schema]
    if isinstance(schema, dict):
        out = {k: _strip_logical(v) for k, v in schema.items() if k != "logicalType"}
        if schema.get("logicalType") == "decimal":
            out["logicalType"] = "decimal"
        return out
    return schema


def _to_avro(spec: Any, schema: Any) -> Any:
    """A spec value as the datum `schema` wants (ksqlDB's SpecToConnectConverter)."""
    if spec is None:
        return None
    if isinstance(schema, list):
        branches = [s for s in schema if s != "null"]
        if len(branches) == 1:
            return _to_avro(spec, branches[0])
        for branch in branches:
            try:
                return (_branch_name(branch), _to_avro(spec, branch))
            except (TypeError, ValueError, KeyError, AttributeError):
                continue
        return spec
    if isinstance(schema, str):
        return _primitive(spec, schema, None)
    kind = schema.get("type")
    if isinstance(kind, dict | list):
        return _to_avro(spec, kind)
    if kind == "record":
        fields = {f["name"].upper(): f for f in schema["fields"]}
        if schema.get("connect.internal.type") == "MapEntry":
            return spec
        out: dict[str, Any] = {f["name"]: None for f in schema["fields"]}
        for key, value in dict(spec).items():
            field = fields.get(str(key).upper())
            if field is not None:
                out[field["name"]] = _to_avro(value, field["type"])
        return out
    if kind == "array":
        items = schema["items"]
        if isinstance(spec, dict) and _is_map_entries(items):
            entry_fields = {f["name"]: f["type"] for f in items["fields"]}
            return [
                {
                    "key": _to_avro(k, entry_fields["key"]),
                    "value": _to_avro(v, entry_fields["value"]),
                }
                for k, v in spec.items()
            ]
        return [_to_avro(v, items) for v in spec]
    if kind == "map":
        return {str(k): _to_avro(v, schema["values"]) for k, v in dict(spec).items()}
    return _primitive(spec, kind, schema)


def _is_map_entries(items: Any) -> bool:
    return isinstance(items, dict) and items.get("connect.internal.type") == "MapEntry"


def _branch_name(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    return str(schema.get("name") or schema.get("type"))


def _primitive(spec: Any, kind: str, schema: dict[str, Any] | None) -> Any:
    logical = (schema or {}).get("logicalType")
    if logical == "decimal":
        assert schema is not None
        scale = int(schema.get("scale", 0))
        value = Decimal(str(spec)) if not isinstance(spec, Decimal) else spec
        return value.quantize(Decimal(1).scaleb(-scale))
    if kind in ("int", "long"):
        return int(str(spec)) if not isinstance(spec, int) else spec
    if kind in ("float", "double"):
        return float(spec)
    if kind == "boolean":
        return spec if isinstance(spec, bool) else str(spec).lower() == "true"
    if kind == "string":
        return spec if isinstance(spec, str) else str(spec)
    if kind in ("bytes", "fixed"):
        return base64.b64decode(spec) if isinstance(spec, str) else bytes(spec)
    if kind == "enum":
        return str(spec)
    return spec


def _from_avro(datum: Any, schema: Any) -> Any:
    """A decoded Avro datum as the comparator expects it (ksqlDB's connectToSpec)."""
    if datum is None:
        return None
    if isinstance(schema, list):
        branches = [s for s in schema if s != "null"]
        if len(branches) == 1:
            return _from_avro(datum, branches[0])
        return datum
    if isinstance(schema, str):
        return datum
    kind = schema.get("type")
    if isinstance(kind, dict | list):
        return _from_avro(datum, kind)
    if kind == "record":
        types = {f["name"]: f["type"] for f in schema["fields"]}
        return {k: _from_avro(v, types.get(k)) for k, v in datum.items()}
    if kind == "array":
        items = schema["items"]
        if _is_map_entries(items):
            entry = {f["name"]: f["type"] for f in items["fields"]}
            return {
                str(_from_avro(e["key"], entry["key"])): _from_avro(e["value"], entry["value"])
                for e in datum
            }
        return [_from_avro(v, items) for v in datum]
    if kind == "map":
        return {k: _from_avro(v, schema["values"]) for k, v in datum.items()}
    return datum


def _avro_serde(registry: Any, subject: str) -> SpecSerde:
    def write(spec: Any) -> bytes | None:
        if spec is None:
            return None
        registered = registry.get_latest(subject)
        schema = json.loads(registered.schema)
        parsed = fastavro.parse_schema(schema, _write_hint=False)
        buffer = io.BytesIO()
        buffer.write(_MAGIC + registered.schema_id.to_bytes(4, "big"))
        fastavro.schemaless_writer(buffer, parsed, _to_avro(spec, schema))
        return buffer.getvalue()

    def read(data: bytes | None) -> Any:
        if data is None:
            return None
        if len(data) < 5 or data[:1] != _MAGIC:
            raise ValueError("Unknown magic byte!")
        schema_id = int.from_bytes(data[1:5], "big")
        schema = json.loads(registry.get_by_id(schema_id).schema)
        parsed = fastavro.parse_schema(_strip_logical(schema), _write_hint=False)
        datum = fastavro.schemaless_reader(io.BytesIO(data[5:]), parsed, None)
        return _from_avro(datum, schema)

    return SpecSerde(write, read)


def _none_serde() -> SpecSerde:
    return SpecSerde(lambda v: None, lambda d: None)


def spec_serde(
    fmt: str,
    columns: tuple[Column, ...],
    *,
    is_key: bool,
    topic: str,
    registry: Any,
    exact: bool = True,
) -> SpecSerde:
    """The spec serde of one side of a topic in format `fmt`."""
    name = fmt.upper()
    if name == "JSON":
        return _json_serde(exact)
    if name == "DELIMITED":
        return _string_serde()
    if name == "KAFKA":
        return _kafka_serde(columns)
    if name == "AVRO":
        return _avro_serde(registry, f"{topic}-{'key' if is_key else 'value'}")
    if name == "NONE":
        return _none_serde()
    raise ValueError(f"format {name} is not supported by the test runner")


def key_spec_serde(
    key_format: KeyFormat, columns: tuple[Column, ...], topic: str, registry: Any, exact: bool
) -> tuple[Callable[[Any, WindowSpec | None], bytes | None], Callable[[bytes | None], Any]]:
    """Write and read functions for keys, windowed when the format is."""
    inner = spec_serde(
        key_format.format.name, columns, is_key=True, topic=topic, registry=registry, exact=exact
    )
    window = key_format.window
    if window is None:

        def write_plain(spec: Any, win: WindowSpec | None) -> bytes | None:
            return inner.write(spec)

        def read_plain(data: bytes | None) -> Any:
            return (inner.read(data), None)

        return write_plain, read_plain
    session = window.type is WindowType.SESSION
    size = window.size_ms or 0

    def write(spec: Any, win: WindowSpec | None) -> bytes | None:
        data = inner.write(spec) or b""
        start, end = (win.start, win.end) if win else (0, 0)
        return data + (_LONG.pack(end) + _LONG.pack(start) if session else _LONG.pack(start))

    def read(data: bytes | None) -> Any:
        if data is None:
            return (None, None)
        if session:
            end, start = _LONG.unpack(data[-16:-8])[0], _LONG.unpack(data[-8:])[0]
            return (inner.read(data[:-16] or None), WindowSpec(start, end, "session"))
        start = _LONG.unpack(data[-8:])[0]
        return (inner.read(data[:-8] or None), WindowSpec(start, start + size, "time"))

    return write, read


def value_spec_serde(
    value_format: ValueFormat, columns: tuple[Column, ...], topic: str, registry: Any, exact: bool
) -> SpecSerde:
    """The spec serde of a topic's values."""
    return spec_serde(
        value_format.format.name, columns, is_key=False, topic=topic, registry=registry, exact=exact
    )
