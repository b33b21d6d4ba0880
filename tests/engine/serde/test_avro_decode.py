"""The compiled Avro reader reads exactly what fastavro reads, for random schemas and values."""

from __future__ import annotations

import io
import itertools
import math
import struct
from decimal import Decimal
from typing import Any

import fastavro
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksqlmv.engine.serde._avro_decode import DECODING_ERRORS, read_long, value_decoder

_names = (f"N{n}" for n in itertools.count())


def _primitive() -> st.SearchStrategy[Any]:
    return st.sampled_from(["boolean", "int", "long", "float", "double", "bytes", "string"])


def _named() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda n, symbols: {"type": "enum", "name": next(_names), "symbols": symbols[:n]},
            st.integers(1, 3),
            st.just(["A", "B", "C"]),
        ),
        st.builds(
            lambda size: {"type": "fixed", "name": next(_names), "size": size}, st.integers(0, 6)
        ),
        st.builds(
            lambda scale: {
                "type": "bytes",
                "logicalType": "decimal",
                "precision": 40,
                "scale": scale,
            },
            st.integers(0, 6),
        ),
        st.builds(
            lambda scale: {
                "type": "fixed",
                "name": next(_names),
                "size": 8,
                "logicalType": "decimal",
                "precision": 18,
                "scale": scale,
            },
            st.integers(0, 6),
        ),
    )


def _schemas() -> st.SearchStrategy[Any]:
    leaves = st.one_of(_primitive(), _named())
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda t: ["null", t], inner),
            st.builds(lambda t: [t, "null"], inner),
            st.builds(lambda t: {"type": "array", "items": t}, inner),
            st.builds(lambda t: {"type": "map", "values": t}, inner),
            st.builds(
                lambda types: {
                    "type": "record",
                    "name": next(_names),
                    "fields": [{"name": f"f{i}", "type": t} for i, t in enumerate(types)],
                },
                st.lists(inner, min_size=0, max_size=4),
            ),
        ),
        max_leaves=6,
    ).filter(_no_nested_unions)


def _no_nested_unions(schema: Any) -> bool:
    """Avro forbids a union directly inside a union."""
    if isinstance(schema, list):
        return not any(isinstance(member, list) for member in schema) and all(
            _no_nested_unions(member) for member in schema
        )
    if isinstance(schema, dict):
        inner = [schema.get("items"), schema.get("values")]
        inner += [f["type"] for f in schema.get("fields", ())]
        return all(_no_nested_unions(i) for i in inner if i is not None)
    return True


def _values(schema: Any) -> st.SearchStrategy[Any]:
    if isinstance(schema, list):
        branch = schema[1] if schema[0] == "null" else schema[0]
        return st.one_of(st.none(), _values(branch))
    if isinstance(schema, str):
        return {
            "boolean": st.booleans(),
            "int": st.integers(-(2**31), 2**31 - 1),
            "long": st.integers(-(2**63), 2**63 - 1),
            "float": st.floats(width=32, allow_nan=False),
            "double": st.floats(allow_nan=False),
            "bytes": st.binary(max_size=20),
            "string": st.text(max_size=10),
        }[schema]
    kind = schema["type"]
    if schema.get("logicalType") == "decimal":
        digits = 15 if kind == "fixed" else 30
        scale = schema["scale"]
        return st.integers(-(10**digits), 10**digits).map(lambda n: Decimal(n).scaleb(-scale))
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    if kind == "fixed":
        return st.binary(min_size=schema["size"], max_size=schema["size"])
    if kind == "array":
        return st.lists(_values(schema["items"]), max_size=4)
    if kind == "map":
        return st.dictionaries(st.text(max_size=5), _values(schema["values"]), max_size=4)
    return st.fixed_dictionaries({f["name"]: _values(f["type"]) for f in schema["fields"]})


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reads_what_fastavro_reads(data: st.DataObject) -> None:
    schema = data.draw(_schemas())
    value = data.draw(_values(schema))
    parsed = fastavro.parse_schema(schema)
    out = io.BytesIO()
    fastavro.schemaless_writer(out, parsed, value)
    body = out.getvalue()
    expected = fastavro.schemaless_reader(io.BytesIO(body), parsed, None, True, True)
    read = value_decoder(schema)(b"\x00\x00\x00\x00\x01" + body)
    assert _same(read, expected), (schema, value)


@pytest.mark.parametrize("value", [0, 1, -1, 63, -64, 64, 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)])
def test_varints(value: int) -> None:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema("long"), value)
    assert read_long(out.getvalue(), 0) == (value, len(out.getvalue()))


def test_blocks_with_sizes_and_unions_of_records() -> None:
    # an array written as a block with a negative count and a byte size, as Java may write it
    items = b"\x02\x04"
    data = b"\x00\x00\x00\x00\x01" + b"\x03" + bytes([len(items) * 2]) + items + b"\x00"
    assert value_decoder({"type": "array", "items": "int"})(data) == [1, 2]
    left = {
        "type": "record",
        "name": "L",
        "namespace": "n",
        "fields": [{"name": "a", "type": "int"}],
    }
    right = {"type": "record", "name": "R", "fields": [{"name": "b", "type": "int"}]}
    read = value_decoder([left, right])
    assert read(b"\x00\x00\x00\x00\x01\x02\x04") == ("R", {"b": 2})
    assert read(b"\x00\x00\x00\x00\x01\x00\x04") == ("n.L", {"a": 2})


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ("string", b"\x0aab"),
        ("double", b"\x00\x01"),
        (["null", "int"], b"\x06"),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, b"\x04"),
        ("long", b"\xff\xff"),
        ("string", b"\x02\xff"),
    ],
)
def test_bytes_that_are_not_a_value_fail_with_a_decoding_error(schema: Any, body: bytes) -> None:
    with pytest.raises(DECODING_ERRORS):
        value_decoder(schema)(b"\x00\x00\x00\x00\x01" + body)
    assert struct.error in DECODING_ERRORS
