"""Compatibility: Avro's resolution rules pair by pair, then the seven registry levels.

Every expected verdict comes from Avro's specification ("Schema Resolution"), Avro's own
compatibility test vectors, or Schema Registry's documented level semantics and test cases; none
from running the code under test.
"""

from __future__ import annotations

import json
from typing import Any

import avro.schema
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from ksqlmv.registry.compatibility import (
    CompatibilityLevel,
    PreviousSchema,
    check,
    reader_writer_incompatibilities,
)


def record(name: str, *fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": list(fields), **extra}


def field(name: str, type_: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


def enum(name: str, *symbols: str, **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": name, "symbols": list(symbols), **extra}


def parse(schema: Any) -> avro.schema.Schema:
    return avro.schema.parse(json.dumps(schema))


LINKED = record("Node", field("value", "int"), field("next", ["null", "Node"]))
LINKED_LONG = record("Node", field("value", "long"), field("next", ["null", "Node"]))

# (case id, reader, writer, compatible?, does avro's Python checker agree?)
READER_WRITER = [
    # primitives and promotions
    ("int<-int", "int", "int", True, True),
    ("long<-int", "long", "int", True, True),
    ("float<-int", "float", "int", True, True),
    ("float<-long", "float", "long", True, True),
    ("double<-int", "double", "int", True, True),
    ("double<-long", "double", "long", True, True),
    ("double<-float", "double", "float", True, True),
    ("string<-bytes", "string", "bytes", True, True),
    ("bytes<-string", "bytes", "string", True, True),
    ("int<-long", "int", "long", False, True),
    ("float<-double", "float", "double", False, True),
    ("long<-float", "long", "float", False, True),
    ("int<-string", "int", "string", False, True),
    ("null<-int", "null", "int", False, True),
    ("boolean<-int", "boolean", "int", False, True),
    ("string<-int", "string", "int", False, True),
    # arrays and maps
    (
        "array-long<-array-int",
        {"type": "array", "items": "long"},
        {"type": "array", "items": "int"},
        True,
        True,
    ),
    (
        "map-long<-map-int",
        {"type": "map", "values": "long"},
        {"type": "map", "values": "int"},
        True,
        True,
    ),
    (
        "array-int<-array-long",
        {"type": "array", "items": "int"},
        {"type": "array", "items": "long"},
        False,
        True,
    ),
    (
        "array<-map",
        {"type": "array", "items": "int"},
        {"type": "map", "values": "int"},
        False,
        True,
    ),
    # enums
    ("enum-add-symbol", enum("E", "A", "B", "C"), enum("E", "A", "B"), True, True),
    ("enum-remove-symbol", enum("E", "A", "B"), enum("E", "A", "B", "C"), False, True),
    ("enum-different-symbols", enum("E", "B", "C"), enum("E", "A", "B", "C"), False, True),
    (
        "enum-remove-symbol-reader-default",
        enum("E", "A", "B", default="A"),
        enum("E", "A", "B", "C"),
        True,
        True,
    ),
    ("enum-renamed", enum("E1", "A"), enum("E2", "A"), False, True),
    ("enum-renamed-with-alias", enum("E1", "A", aliases=["E2"]), enum("E2", "A"), True, True),
    # fixed
    (
        "fixed-same",
        {"type": "fixed", "name": "F", "size": 4},
        {"type": "fixed", "name": "F", "size": 4},
        True,
        True,
    ),
    (
        "fixed-size-change",
        {"type": "fixed", "name": "F", "size": 4},
        {"type": "fixed", "name": "F", "size": 8},
        False,
        True,
    ),
    (
        "fixed-renamed",
        {"type": "fixed", "name": "F", "size": 4},
        {"type": "fixed", "name": "G", "size": 4},
        False,
        True,
    ),
    # unions
    ("union-reordered", ["int", "string"], ["string", "int"], True, True),
    ("float<-union-int-float", "float", ["int", "float"], True, True),
    ("long<-union-int-long", "long", ["int", "long"], True, True),
    ("double<-union-all-numbers", "double", ["int", "long", "float", "double"], True, True),
    ("int<-union-int-string", "int", ["int", "string"], False, True),
    ("union-int<-union-int-string", ["int"], ["int", "string"], False, True),
    ("union-int<-long", ["int"], "long", False, True),
    ("union-int<-union-long", ["int"], ["long"], False, True),
    ("union-int<-union-null", ["int"], ["null"], False, True),
    ("union-widened-with-null", ["null", "string"], "string", True, True),
    ("union-narrowed-to-bare", "string", ["null", "string"], False, True),
    ("union-promotes-branch", ["null", "long"], ["null", "int"], True, True),
    ("singleton-union<-bare", ["int"], "int", True, True),
    ("bare<-singleton-union", "int", ["int"], True, True),
    # records
    ("record-empty<-record-a", record("R"), record("R", field("a", "int")), True, True),
    (
        "record-defaults<-empty",
        record("R", field("a", "int", default=0), field("b", "int", default=0)),
        record("R"),
        True,
        True,
    ),
    ("record-a<-empty", record("R", field("a", "int")), record("R"), False, True),
    (
        "record-a<-record-ab",
        record("R", field("a", "int")),
        record("R", field("a", "int"), field("b", "int")),
        True,
        True,
    ),
    (
        "record-renamed",
        record("R1", field("a", "int")),
        record("R2", field("a", "int")),
        False,
        True,
    ),
    (
        "record-namespace-changed",
        record("R", field("a", "int"), namespace="ns1"),
        record("R", field("a", "int"), namespace="ns2"),
        True,
        True,
    ),
    (
        "record-unqualified<-qualified",
        record("Record"),
        record("Record", namespace="ns"),
        True,
        True,
    ),
    (
        "record-alias-full-name",
        record("New", aliases=["ns.Old"]),
        record("Old", namespace="ns"),
        True,
        True,
    ),
    # Avro-Java qualifies a reader alias with the reader's namespace; the Python port does not.
    (
        "record-alias-relative-to-namespace",
        record("New", namespace="ns", aliases=["Old"]),
        record("Old", namespace="ns"),
        True,
        False,
    ),
    (
        "field-renamed-with-alias",
        record("R", field("new", "int", aliases=["old"])),
        record("R", field("old", "int")),
        True,
        True,
    ),
    (
        "field-renamed-without-alias",
        record("R", field("new", "int")),
        record("R", field("old", "int")),
        False,
        True,
    ),
    ("field-promoted", record("R", field("a", "long")), record("R", field("a", "int")), True, True),
    (
        "field-narrowed",
        record("R", field("a", "int")),
        record("R", field("a", "long")),
        False,
        True,
    ),
    (
        "nested-record-field-promoted",
        record("Outer", field("inner", record("Inner", field("x", "double")))),
        record("Outer", field("inner", record("Inner", field("x", "float")))),
        True,
        True,
    ),
    (
        "docs-order-and-props-ignored",
        record("R", field("a", "int", doc="new doc", order="descending", extra=1), doc="d"),
        record("R", field("a", "int")),
        True,
        True,
    ),
    ("recursive-same", LINKED, LINKED, True, True),
    ("recursive-promoted", LINKED_LONG, LINKED, True, True),
    ("recursive-narrowed", LINKED, LINKED_LONG, False, True),
]


@pytest.mark.parametrize(
    ("reader", "writer", "compatible", "avro_agrees"),
    [pytest.param(r, w, c, a, id=name) for name, r, w, c, a in READER_WRITER],
)
def test_reader_writer_rules(reader: Any, writer: Any, compatible: bool, avro_agrees: bool) -> None:
    found = reader_writer_incompatibilities(parse(reader), parse(writer))
    assert (not found) is compatible, found
    # Avro's own Python checker reaches the same verdict, except where it departs from Avro-Java.
    avro_result = ReaderWriterCompatibilityChecker().get_compatibility(parse(reader), parse(writer))
    avro_compatible = avro_result.compatibility is SchemaCompatibilityType.compatible
    assert (avro_compatible is compatible) is avro_agrees


# Schema Registry's AvroCompatibilityTest schemas.
S1 = record("myrecord", field("f1", "string"))
S2 = record("myrecord", field("f1", "string"), field("f2", "string", default="foo"))
S3 = record("myrecord", field("f1", "string"), field("f2", "string"))
S4 = record("myrecord", field("f1_new", "string", aliases=["f1"]))
S6 = record("myrecord", field("f1", ["null", "string"], doc="doc of f1"))
S7 = record("myrecord", field("f1", ["null", "string", "int"], doc="doc of f1"))
S8 = record(
    "myrecord",
    field("f1", "string"),
    field("f2", "string", default="foo"),
    field("f3", "string", default="bar"),
)
SUIT = enum("Suit", "SPADES", "HEARTS", "DIAMONDS", "CLUBS")
SUIT_NO_CLUBS = enum("Suit", "SPADES", "HEARTS", "DIAMONDS")
SUIT_MORE = enum("Suit", "SPADES", "HEARTS", "DIAMONDS", "CLUBS", "JOKER")

B, BT = CompatibilityLevel.BACKWARD, CompatibilityLevel.BACKWARD_TRANSITIVE
F, FT = CompatibilityLevel.FORWARD, CompatibilityLevel.FORWARD_TRANSITIVE
U, UT = CompatibilityLevel.FULL, CompatibilityLevel.FULL_TRANSITIVE
N = CompatibilityLevel.NONE

# (case id, level, new schema, previous versions oldest first, compatible?)
LEVELS = [
    ("backward-add-field-with-default", B, S2, [S1], True),
    ("backward-add-field-without-default", B, S3, [S1], False),
    ("backward-rename-with-alias", B, S4, [S1], True),
    ("backward-widen-to-union", B, S6, [S1], True),
    ("backward-narrow-union-to-bare", B, S1, [S6], False),
    ("backward-add-union-branch", B, S7, [S6], True),
    ("backward-remove-union-branch", B, S6, [S7], False),
    ("backward-checks-newest-only", B, S3, [S1, S2], True),
    ("backward-remove-enum-symbol", B, SUIT_NO_CLUBS, [SUIT], False),
    ("backward-add-enum-symbol", B, SUIT_MORE, [SUIT], True),
    ("backward-first-version", B, S3, [], True),
    ("backward-transitive-defaults-step-by-step", BT, S8, [S1, S2], True),
    ("backward-transitive-single-step", BT, S2, [S1], True),
    ("backward-transitive-single-step-2", BT, S3, [S2], True),
    ("backward-transitive-drop-default-over-history", BT, S3, [S2, S1], False),
    ("forward-add-field-with-default", F, S2, [S1], True),
    ("forward-add-field-without-default", F, S3, [S1], True),
    ("forward-drop-default", F, S3, [S2], True),
    ("forward-add-default", F, S2, [S3], True),
    ("forward-checks-newest-only", F, S1, [S3, S2], True),
    ("forward-remove-field-without-default", F, S1, [S3], False),
    ("forward-add-enum-symbol", F, SUIT_MORE, [SUIT], False),
    ("forward-remove-enum-symbol", F, SUIT_NO_CLUBS, [SUIT], True),
    ("forward-transitive-remove-defaulted-fields", FT, S1, [S8, S2], True),
    ("forward-transitive-add-default", FT, S2, [S3], True),
    ("forward-transitive-remove-defaulted-field", FT, S1, [S2], True),
    ("forward-transitive-older-reader-lacks-default", FT, S1, [S2, S3], False),
    ("full-add-field-with-default", U, S2, [S1], True),
    ("full-newest-only-add-no-default", U, S3, [S1, S2], True),
    ("full-newest-only-remove-no-default", U, S1, [S3, S2], True),
    ("full-add-field-without-default", U, S3, [S1], False),
    ("full-add-enum-symbol", U, SUIT_MORE, [SUIT], False),
    ("full-transitive-add-defaulted-over-history", UT, S8, [S1, S2], True),
    ("full-transitive-remove-defaulted-over-history", UT, S1, [S8, S2], True),
    ("full-transitive-single-step-add-default", UT, S2, [S3], True),
    ("full-transitive-single-step-remove-defaulted", UT, S1, [S2], True),
    ("full-transitive-single-step-add-defaulted", UT, S2, [S1], True),
    ("full-transitive-single-step-drop-default", UT, S3, [S2], True),
    ("full-transitive-add-no-default-over-history", UT, S3, [S2, S1], False),
    ("full-transitive-remove-no-default-over-history", UT, S1, [S2, S3], False),
    ("none-anything-goes", N, {"type": "string"}, [S1, SUIT], True),
    ("none-even-type-change", N, "int", ["string"], True),
]


def previous_of(schemas: list[Any]) -> list[PreviousSchema]:
    return [
        PreviousSchema(version, json.dumps(schema), parse(schema))
        for version, schema in enumerate(schemas, start=1)
    ]


@pytest.mark.parametrize(
    ("level", "new", "previous", "compatible"),
    [pytest.param(level, n, p, c, id=name) for name, level, n, p, c in LEVELS],
)
def test_levels(level: CompatibilityLevel, new: Any, previous: list[Any], compatible: bool) -> None:
    messages = check(level, parse(new), previous_of(previous))
    assert (not messages) is compatible, messages


def test_every_level_is_covered() -> None:
    assert {level for _, level, *_ in LEVELS} == set(CompatibilityLevel)
    assert len(LEVELS) + len(READER_WRITER) >= 40


def test_missing_default_message_names_the_field_like_the_registry() -> None:
    messages = check(B, parse(S3), previous_of([S1]))
    assert messages == [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path "
        "'/fields/1' in the new schema has no default value and is missing in the old schema', "
        "additionalInfo:'f2'}",
        "{oldSchemaVersion: 1}",
        f"{{oldSchema: '{json.dumps(S1)}'}}",
        "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]


@pytest.mark.parametrize(
    ("level", "new", "old", "expected"),
    [
        (F, SUIT_MORE, SUIT,
         "{errorType:'MISSING_ENUM_SYMBOLS', description:'The old schema is missing enum symbols "
         "'[JOKER]' at path '/symbols' in the new schema', additionalInfo:'[JOKER]'}"),
        (B, record("R", field("a", "int")), record("R", field("a", "long")),
         "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
         "the new schema does not match with the old schema', additionalInfo:'reader type: INT "
         "not compatible with writer type: LONG'}"),
        (B, record("R2"), record("R1"),
         "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path "
         "'/name')', additionalInfo:'expected: R1'}"),
        (B, {"type": "fixed", "name": "F", "size": 2}, {"type": "fixed", "name": "F", "size": 3},
         "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path "
         "'/size' in the new schema does not match with the old schema', "
         "additionalInfo:'expected: 3, found: 2'}"),
        (B, S6, S7,
         "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside "
         "a union field at path '/fields/0/type/2' in the old schema', "
         "additionalInfo:'reader union lacking writer type: INT'}"),
    ],
)  # fmt: skip
def test_messages_name_what_broke(
    level: CompatibilityLevel, new: Any, old: Any, expected: str
) -> None:
    assert check(level, parse(new), previous_of([old]))[0] == expected


def test_full_reports_both_directions() -> None:
    messages = check(U, parse(S3), previous_of([S1]))
    # The old schema reads the new one fine; the new one cannot read the old (f2 has no default).
    assert messages[0].startswith("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'")
    assert "in the new schema has no default value" in messages[0]
    assert messages[-1] == "{validateFields: 'false', compatibility: 'FULL'}"


def test_transitive_stops_at_the_first_failing_version_from_the_newest() -> None:
    messages = check(BT, parse(S3), previous_of([S1, S2, S1]))
    assert "{oldSchemaVersion: 3}" in messages


def test_orders_contract_v2_is_backward_and_forward_compatible(repo_root: Any) -> None:
    v1 = json.loads((repo_root / "schemas/orders-value.avsc").read_text())
    v2 = json.loads((repo_root / "schemas/v2/orders-value.avsc").read_text())
    for level in (B, BT, F, FT, U, UT):
        assert check(level, parse(v2), previous_of([v1])) == [], level


@pytest.mark.parametrize(
    ("text", "level"),
    [("BACKWARD", B), ("backward", B), ("Full_Transitive", UT), ("NONE", N), ("bogus", None),
     (3, None), (None, None)],
)  # fmt: skip
def test_level_names(text: Any, level: CompatibilityLevel | None) -> None:
    assert CompatibilityLevel.parse(text) is level
