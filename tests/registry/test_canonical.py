"""Canonical form: what the registry stores and compares, printed as Avro-Java prints it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ksqlmv.errors import RegistryError
from ksqlmv.registry.avro_schema import SchemaReference, parse_schema, schema_identity

# (case id, schema as sent, canonical form)
CANONICAL = [
    ("registry-test-vector",
     '{"type":"record","name":"myrecord","doc":"hi\\"there","fields":'
     '[{"name":"f1","type":"string","doc":"bye\\"now"}]}',
     '{"type":"record","name":"myrecord","doc":"hi\\"there","fields":'
     '[{"name":"f1","type":"string","doc":"bye\\"now"}]}'),
    ("whitespace-and-key-order",
     ' { "fields" : [ { "type" : "int", "name" : "a" } ], "name" : "R", "type" : "record" } ',
     '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'),
    ("dotted-name-splits-namespace",
     '{"type":"record","name":"io.x.R","fields":[]}',
     '{"type":"record","name":"R","namespace":"io.x","fields":[]}'),
    ("dotted-name-wins-over-namespace",
     '{"type":"record","name":"io.x.R","namespace":"ignored","fields":[]}',
     '{"type":"record","name":"R","namespace":"io.x","fields":[]}'),
    ("primitive-object-collapses", '{"type":"string"}', '"string"'),
    ("primitive-doc-dropped", '{"type":"int","doc":"d"}', '"int"'),
    ("logical-type-kept", '{"logicalType":"timestamp-millis","type":"long"}',
     '{"type":"long","logicalType":"timestamp-millis"}'),
    ("union", '[ "null", {"type":"string"} ]', '["null","string"]'),
    ("array-and-map",
     '{"values":{"type":"array","items":"int"},"type":"map"}',
     '{"type":"map","values":{"type":"array","items":"int"}}'),
    ("inherited-namespace-omitted-and-refs-shortened",
     '{"type":"record","name":"R","namespace":"ns","fields":['
     '{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},'
     '{"name":"again","type":"ns.E"}]}',
     '{"type":"record","name":"R","namespace":"ns","fields":['
     '{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},'
     '{"name":"again","type":"E"}]}'),
    ("other-namespace-printed-and-refs-qualified",
     '{"type":"record","name":"R","namespace":"a","fields":['
     '{"name":"o","type":{"type":"record","name":"b.O","fields":[{"name":"r","type":["null","a.R"]}]}}]}',
     '{"type":"record","name":"R","namespace":"a","fields":['
     '{"name":"o","type":{"type":"record","name":"O","namespace":"b","fields":'
     '[{"name":"r","type":["null","a.R"]}]}}]}'),
    ("null-namespace-inside-non-null",
     '{"type":"record","name":"R","namespace":"a","fields":['
     '{"name":"f","type":{"type":"fixed","name":"F","namespace":"","size":2}}]}',
     '{"type":"record","name":"R","namespace":"a","fields":['
     '{"name":"f","type":{"type":"fixed","name":"F","namespace":"","size":2}}]}'),
    ("field-attribute-order",
     '{"type":"record","name":"R","fields":[{"aliases":["old"],"default":1,"order":"descending",'
     '"doc":"d","type":"int","name":"a","custom":true}]}',
     '{"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":"d","default":1,'
     '"order":"descending","aliases":["old"],"custom":true}]}'),
    ("ascending-order-dropped",
     '{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ascending"}]}',
     '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'),
    ("enum-default-after-symbols",
     '{"default":"A","symbols":["A","B"],"name":"E","type":"enum","doc":"d"}',
     '{"type":"enum","name":"E","doc":"d","symbols":["A","B"],"default":"A"}'),
    ("props-then-aliases",
     '{"aliases":["Old"],"x":1,"type":"record","name":"R","fields":[]}',
     '{"type":"record","name":"R","fields":[],"x":1,"aliases":["Old"]}'),
    ("non-ascii-kept", '{"type":"record","name":"R","doc":"café","fields":[]}',
     '{"type":"record","name":"R","doc":"café","fields":[]}'),
    ("null-default-kept",
     '{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":null}]}',
     '{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":null}]}'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "canonical"), [pytest.param(t, c, id=name) for name, t, c in CANONICAL]
)
def test_canonical_form(text: str, canonical: str) -> None:
    parsed = parse_schema(text)
    assert parsed.canonical == canonical
    # Canonical text is a fixed point: parsing it again changes nothing.
    assert parse_schema(parsed.canonical).canonical == canonical


def test_identity_depends_on_canonical_form_references_and_metadata() -> None:
    a = parse_schema('{"type":"record","name":"io.x.R","fields":[]}').canonical
    b = parse_schema('{"namespace":"io.x","fields":[],"name":"R","type":"record"}').canonical
    assert schema_identity(a) == schema_identity(b)
    reference = (SchemaReference("io.x.Ref", "ref-value", 1),)
    assert schema_identity(a, reference) != schema_identity(a)
    assert schema_identity(a, (), {"properties": {"k": "v"}}) != schema_identity(a)
    md5, guid = schema_identity(a)
    assert guid.replace("-", "") == md5


def test_normalize_sorts_aliases_and_properties_only() -> None:
    text = json.dumps(
        {"type": "record", "name": "R", "z": 1, "a": 2, "aliases": ["y", "x"],
         "fields": [{"name": "f", "aliases": ["q", "p"], "type": {
             "type": "bytes", "scale": 2, "precision": 4, "logicalType": "decimal"}}]}
    )  # fmt: skip
    assert parse_schema(text, normalize=True).canonical == (
        '{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"bytes",'
        '"logicalType":"decimal","precision":4,"scale":2},"aliases":["p","q"]}],'
        '"a":2,"z":1,"aliases":["x","y"]}'
    )


def test_references_stay_names() -> None:
    address = '{"type":"record","name":"Address","namespace":"io.shop","fields":[]}'
    customer = (
        '{"type":"record","name":"Customer","namespace":"io.shop",'
        '"fields":[{"name":"home","type":"io.shop.Address"}]}'
    )
    reference = (SchemaReference("io.shop.Address", "address", 1),)
    parsed = parse_schema(customer, reference, [address])
    assert parsed.canonical == (
        '{"type":"record","name":"Customer","namespace":"io.shop",'
        '"fields":[{"name":"home","type":"Address"}]}'
    )
    assert parsed.references == reference


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "Invalid JSON"),
        ("string", "Invalid JSON"),
        ('"nope"', "nope"),
        ("{}", "No \"type\""),
        ('{"type":"record","name":"R"}', "fields"),
        ('{"type":"record","name":"1R","fields":[]}', "1R"),
        ('{"type":"enum","name":"E","symbols":["A","A"]}', "Duplicate symbol"),
        ('{"type":"fixed","name":"F"}', "size"),
        ('{"type":"record","name":"R","fields":[{"name":"a","type":"int"},'
         '{"name":"a","type":"int"}]}', "a"),
    ],
)  # fmt: skip
def test_invalid_schemas_name_the_reason(text: str, reason: str) -> None:
    with pytest.raises(RegistryError) as caught:
        parse_schema(text)
    assert caught.value.error_code == 42201
    assert caught.value.message.startswith("Invalid schema of type AVRO, details: ")
    assert reason in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"bytes","logicalType":"decimal","precision":2,"scale":5}',
        '{"type":"long","logicalType":"bogus"}',
        '{"type":"fixed","name":"D","size":12,"logicalType":"duration"}',
    ],
)
def test_unknown_or_invalid_logical_types_are_ignored_not_refused(text: str) -> None:
    # Avro-Java keeps the attributes and ignores the logical type; so do we (and quietly: the
    # suite turns warnings into errors).
    assert json.loads(parse_schema(text, validate_defaults=True).canonical) == json.loads(text)


@pytest.mark.parametrize(
    ("field_type", "default", "fits"),
    [
        ("int", 1, True), ("int", "1", False), ("int", 2**31, False), ("int", True, False),
        ("long", 2**40, True), ("double", 1, True), ("float", 1.5, True), ("boolean", 0, False),
        ("string", "s", True), ("bytes", "\u00ff", True), ("null", None, True),
        (["null", "string"], None, True), (["null", "string"], "null", False),
        (["string", "null"], "x", True), (["string", "null"], None, False),
        ({"type": "array", "items": "int"}, [1, 2], True),
        ({"type": "array", "items": "int"}, ["a"], False),
        ({"type": "map", "values": "long"}, {"k": 1}, True),
        ({"type": "enum", "name": "E", "symbols": ["A"]}, "A", True),
        ({"type": "record", "name": "In", "fields": [{"name": "x", "type": "int"}]}, {"x": 1},
         True),
        ({"type": "record", "name": "In", "fields": [{"name": "x", "type": "int"}]}, {}, False),
    ],
)  # fmt: skip
def test_new_schemas_get_their_defaults_checked(field_type: Any, default: Any, fits: bool) -> None:
    text = json.dumps(
        {"type": "record", "name": "R", "fields": [{"name": "f", "type": field_type,
                                                   "default": default}]}
    )  # fmt: skip
    if fits:
        parse_schema(text, validate_defaults=True)
    else:
        with pytest.raises(RegistryError, match="Invalid default for field f"):
            parse_schema(text, validate_defaults=True)


def test_defaults_are_checked_only_when_asked() -> None:
    text = '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}'
    assert parse_schema(text).canonical.endswith('"default":"x"}]}')
    with pytest.raises(RegistryError, match='Invalid default for field a: "x" not a "int"'):
        parse_schema(text, validate_defaults=True)


def test_orders_contract_round_trips(repo_root: Any) -> None:
    text = (repo_root / "schemas/orders-value.avsc").read_text()
    canonical = parse_schema(text).canonical
    assert json.loads(canonical) == json.loads(text) | {
        "fields": [
            {key: field[key] for key in ("name", "type", "doc", "default") if key in field}
            for field in json.loads(text)["fields"]
        ]
    }
