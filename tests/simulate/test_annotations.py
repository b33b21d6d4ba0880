"""avro-random-generator's arg.properties: each annotation's meaning, and what it refuses."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.simulate._draw import Draw
from ksqlmv.simulate.annotations import compile_annotated
from ksqlmv.simulate.avrotypes import parse_type
from ksqlmv.simulate.traffic import SpecError

ENUM = {"type": "enum", "name": "Suit", "symbols": ["HEARTS", "SPADES", "CLUBS", "DIAMONDS"]}
DECIMAL = {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}
TIMESTAMP = {"type": "long", "logicalType": "timestamp-millis"}
RECORD = {
    "type": "record",
    "name": "Point",
    "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int", "default": 0}],
}


def draws(spec: dict[str, Any], avro: Any, count: int = 300, base: Path = Path(".")) -> list[Any]:
    generate = compile_annotated(spec, parse_type(avro), base)
    draw = Draw(random.Random(11))
    draw.time = 1_700_000_000_000
    return [generate(draw) for _ in range(count)]


def share(values: list[Any], predicate: Callable[[Any], bool]) -> float:
    return sum(1 for value in values if predicate(value)) / len(values)


# (name, spec, Avro type, check of the draws)
CASES: list[tuple[str, dict[str, Any], Any, Callable[[list[Any]], bool]]] = [
    (
        "options strings",
        {"options": ["a", "b", "c"]},
        "string",
        lambda v: set(v) == {"a", "b", "c"},
    ),
    (
        "options weights",
        {"options": ["a", "b"], "weights": [1, 0]},
        "string",
        lambda v: set(v) == {"a"},
    ),
    (
        "weighted share",
        {"options": [True, False], "weights": [3, 1]},
        "boolean",
        lambda v: 0.68 < share(v, bool) < 0.82,
    ),
    (
        "options enum",
        {"options": ["HEARTS", "CLUBS"]},
        ENUM,
        lambda v: set(v) == {"HEARTS", "CLUBS"},
    ),
    ("options record", {"options": [{"x": 1}]}, RECORD, lambda v: v[0] == {"x": 1, "y": 0}),
    (
        "options decimal",
        {"options": [1.5, "2.25"]},
        DECIMAL,
        lambda v: set(v) == {Decimal("1.50"), Decimal("2.25")},
    ),
    (
        "options long",
        {"options": [4242424242424242]},
        "long",
        lambda v: set(v) == {4242424242424242},
    ),
    (
        "iteration wraps",
        {"iteration": {"start": 0, "restart": 3}},
        "int",
        lambda v: v[:6] == [0, 1, 2, 0, 1, 2],
    ),
    (
        "iteration counts down",
        {"iteration": {"start": 10, "restart": 7}},
        "int",
        lambda v: v[:6] == [10, 9, 8, 10, 9, 8],
    ),
    (
        "iteration step",
        {"iteration": {"start": 0, "restart": 5, "step": 2}},
        "int",
        lambda v: v[:6] == [0, 2, 4, 1, 3, 0],
    ),
    (
        "iteration initial",
        {"iteration": {"start": 0, "restart": 10, "initial": 5}},
        "long",
        lambda v: v[:6] == [5, 6, 7, 8, 9, 0],
    ),
    ("iteration unbounded", {"iteration": {"start": 1}}, "long", lambda v: v[:3] == [1, 2, 3]),
    (
        "iteration double",
        {"iteration": {"start": 0.5, "restart": 1.5, "step": 0.25}},
        "double",
        lambda v: v[:5] == [0.5, 0.75, 1.0, 1.25, 0.5],
    ),
    (
        "iteration boolean",
        {"iteration": {"start": True}},
        "boolean",
        lambda v: v[:4] == [True, False, True, False],
    ),
    (
        "iteration string",
        {"iteration": {"start": 1}, "prefix": "user_", "suffix": "!"},
        "string",
        lambda v: v[:2] == ["user_1!", "user_2!"],
    ),
    (
        "iteration timestamp",
        {"iteration": {"start": 1000, "step": 10}},
        TIMESTAMP,
        lambda v: v[:2] == [1000, 1010],
    ),
    ("range int", {"range": {"min": 5, "max": 8}}, "int", lambda v: set(v) == {5, 6, 7}),
    (
        "range only min",
        {"range": {"min": 2**31 - 3}},
        "int",
        lambda v: set(v) <= {2**31 - 3, 2**31 - 2},
    ),
    (
        "range double",
        {"range": {"min": -1.0, "max": 1.0}},
        "double",
        lambda v: all(-1 <= x < 1 for x in v),
    ),
    (
        "range decimal",
        {"range": {"min": 1, "max": 2}},
        DECIMAL,
        lambda v: all(Decimal(1) <= x < 2 and x.as_tuple().exponent == -2 for x in v),
    ),
    (
        "range timestamp",
        {"range": {"min": 0, "max": 10}},
        TIMESTAMP,
        lambda v: set(v) <= set(range(10)),
    ),
    ("length exact", {"length": 5}, "string", lambda v: {len(s) for s in v} == {5}),
    (
        "length bounds",
        {"length": {"min": 2, "max": 4}},
        "string",
        lambda v: {len(s) for s in v} == {2, 3},
    ),
    ("length default", {}, "string", lambda v: {len(s) for s in v} == set(range(8, 16))),
    (
        "regex",
        {"regex": "[a-c]{3}"},
        "string",
        lambda v: all(len(s) == 3 and set(s) <= set("abc") for s in v),
    ),
    (
        "regex with length",
        {"regex": "[a-z]{1,10}", "length": {"min": 5, "max": 8}},
        "string",
        lambda v: {len(s) for s in v} <= {5, 6, 7},
    ),
    (
        "prefix and suffix",
        {"length": 2, "prefix": "<", "suffix": ">"},
        "string",
        lambda v: all(s[0] == "<" and s[-1] == ">" and len(s) == 4 for s in v),
    ),
    ("odds never", {"odds": 0.0}, "boolean", lambda v: not any(v)),
    ("odds always", {"odds": 1.0}, "boolean", lambda v: all(v)),
    ("odds share", {"odds": 0.3}, "boolean", lambda v: 0.22 < share(v, bool) < 0.38),
    (
        "map keys",
        {"length": 3, "keys": {"options": ["k1", "k2"]}},
        {"type": "map", "values": "int"},
        lambda v: all(set(m) <= {"k1", "k2"} and m for m in v),
    ),
    (
        "array length",
        {"length": 2},
        {"type": "array", "items": {"type": "int", "arg.properties": {"options": [7]}}},
        lambda v: all(a == [7, 7] for a in v),
    ),
    (
        "union position",
        {"position": 1},
        ["null", {"type": "int", "arg.properties": {"options": [42]}}],
        lambda v: set(v) == {42},
    ),
    (
        "union random branch",
        {},
        ["null", {"type": "int", "arg.properties": {"options": [1]}}],
        lambda v: set(v) == {None, 1},
    ),
    ("bytes length", {"length": 4}, "bytes", lambda v: {len(b) for b in v} == {4}),
    ("enum unannotated", {}, ENUM, lambda v: set(v) == set(ENUM["symbols"])),  # type: ignore[arg-type]
    ("timestamp is the event time", {}, TIMESTAMP, lambda v: set(v) == {1_700_000_000_000}),
    (
        "decimal unannotated",
        {},
        DECIMAL,
        lambda v: all(abs(x) < 10_000 for x in v) and any(x < 0 for x in v),
    ),
    (
        "int unannotated",
        {},
        "int",
        lambda v: all(-(2**31) <= x < 2**31 for x in v) and len(set(v)) > 290,
    ),
    (
        "record fields",
        {},
        {
            **RECORD,
            "fields": [{"name": "x", "type": {"type": "int", "arg.properties": {"options": [3]}}}],
        },
        lambda v: all(r == {"x": 3} for r in v),
    ),
]


@pytest.mark.parametrize(
    ("spec", "avro", "check"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_annotation(spec: dict[str, Any], avro: Any, check: Callable[[list[Any]], bool]) -> None:
    values = draws(spec, avro)
    assert check(values), values[:10]


def test_options_from_a_json_file(tmp_path: Path) -> None:
    (tmp_path / "nouns.json").write_text(json.dumps(["cat", "dog"]))
    values = draws({"options": {"file": "nouns.json", "encoding": "json"}}, "string", base=tmp_path)
    assert set(values) == {"cat", "dog"}


def test_options_file_of_concatenated_values(tmp_path: Path) -> None:
    (tmp_path / "numbers.json").write_text("1\n2\n3\n")
    assert set(
        draws({"options": {"file": "numbers.json", "encoding": "json"}}, "int", base=tmp_path)
    ) == {1, 2, 3}


# (name, spec, Avro type, expected message, expected path)
INVALID = [
    (
        "options with length",
        {"options": ["a"], "length": 3},
        "string",
        "cannot specify length when options",
        "length",
    ),
    (
        "iteration with range",
        {"iteration": {"start": 1}, "range": {"min": 0}},
        "int",
        "cannot specify range",
        "range",
    ),
    ("empty options", {"options": []}, "string", "non-empty", "options"),
    ("option not a symbol", {"options": ["JOKER"]}, ENUM, "not a symbol of Suit", "options[0]"),
    ("option out of range", {"options": [2**40]}, "int", "out of range for int", "options[0]"),
    ("option of the wrong type", {"options": ["x"]}, "int", "not a valid int", "options[0]"),
    (
        "decimal option too precise",
        {"options": [12345.67]},
        DECIMAL,
        "more than 6 digits",
        "options[0]",
    ),
    (
        "weights mismatch",
        {"options": ["a", "b"], "weights": [1]},
        "string",
        "one non-negative number per option",
        "weights",
    ),
    (
        "missing options file",
        {"options": {"file": "nope.json", "encoding": "json"}},
        "string",
        "cannot read options file",
        "options",
    ),
    (
        "binary options file",
        {"options": {"file": "x", "encoding": "binary"}},
        "string",
        "only the json encoding",
        "options.encoding",
    ),
    ("iteration without start", {"iteration": {"step": 1}}, "int", "at least start", "iteration"),
    (
        "iteration step zero",
        {"iteration": {"start": 0, "step": 0}},
        "int",
        "step cannot be zero",
        "iteration.step",
    ),
    (
        "iteration start is restart",
        {"iteration": {"start": 3, "restart": 3}},
        "int",
        "cannot be equal",
        "iteration.restart",
    ),
    (
        "iteration wrong way",
        {"iteration": {"start": 0, "restart": 5, "step": -1}},
        "int",
        "towards restart",
        "iteration.step",
    ),
    ("iteration of an enum", {"iteration": {"start": 0}}, ENUM, "iteration applies to", ""),
    (
        "boolean iteration step",
        {"iteration": {"start": True, "step": 1}},
        "boolean",
        "only a boolean start",
        "iteration",
    ),
    ("range reversed", {"range": {"min": 5, "max": 5}}, "int", "strictly less than max", "range"),
    ("range float for int", {"range": {"min": 0.5}}, "int", "whole number", "range.min"),
    (
        "range on a string",
        {"range": {"min": 1}},
        "string",
        "range does not apply to string",
        "range",
    ),
    ("negative length", {"length": -1}, "string", "cannot be negative", "length"),
    (
        "length max below min",
        {"length": {"min": 4, "max": 4}},
        "string",
        "greater than min",
        "length.max",
    ),
    ("bad regex", {"regex": "[a-"}, "string", "regex '[a-'", "regex"),
    ("unsupported regex", {"regex": r"(a)\1"}, "string", "back-reference", "regex"),
    (
        "regex never that long",
        {"regex": "[a-z]{2}", "length": 5},
        "string",
        "does not make strings of length",
        "",
    ),
    ("odds above one", {"odds": 1.5}, "boolean", "range [0.0, 1.0]", "odds"),
    ("odds on an int", {"odds": 0.5}, "int", "odds does not apply to int", "odds"),
    ("position out of range", {"position": 2}, ["null", "int"], "between 0 and 1", "position"),
    ("prefix not a string", {"prefix": 3}, "string", "prefix must be a string", "prefix"),
]


@pytest.mark.parametrize(
    ("spec", "avro", "message", "path"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_annotation(spec: dict[str, Any], avro: Any, message: str, path: str) -> None:
    with pytest.raises(SpecError) as raised:
        compile_annotated(spec, parse_type(avro), Path("."))
    assert message in raised.value.message
    assert raised.value.path == path
