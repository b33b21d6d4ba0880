"""The built-in aggregates: results, undo, merge, intermediate types and resolution rules."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.functions import Aggregate, FunctionRegistry
from ksqlmv.engine.functions.aggregate.distinct import murmur_bytes, murmur_long
from ksqlmv.errors import AnalysisError, FunctionError
from ksqlmv.sql.types import (
    BIGINT,
    BOOLEAN,
    BYTES,
    DOUBLE,
    INTEGER,
    STRING,
    ArrayType,
    DecimalType,
    MapType,
    SqlType,
    StructField,
    StructType,
)


def _make(
    registry: FunctionRegistry,
    name: str,
    types: Sequence[SqlType],
    literals: tuple[Any, ...] = (),
    config: dict[str, Any] | None = None,
) -> Aggregate:
    literal_types = [_literal_type(v) for v in literals]
    call = registry.resolve_aggregate(name, [*types, *literal_types])
    return call.create(literals, config)


def _literal_type(value: Any) -> SqlType:
    return BOOLEAN if isinstance(value, bool) else INTEGER


def _run(aggregate: Aggregate, values: Sequence[Any]) -> list[Any]:
    acc = aggregate.initial()
    results = []
    for value in values:
        acc = aggregate.add(acc, value)
        results.append(aggregate.result(acc))
    return results


# (function, column types, literals, values added one by one, result after each)
SEQUENCES: list[tuple[str, list[SqlType], tuple[Any, ...], list[Any], list[Any]]] = [
    ("COUNT", [STRING], (), ["a", None, "b"], [1, 1, 2]),
    ("SUM", [INTEGER], (), [1, None, 2], [1, 1, 3]),
    ("SUM", [INTEGER], (), [2147483647, 1], [2147483647, -2147483648]),
    ("SUM", [BIGINT], (), [9223372036854775807, 1], [9223372036854775807, -9223372036854775808]),
    ("SUM", [DOUBLE], (), [0.1, 0.2], [0.1, 0.30000000000000004]),
    ("SUM", [DecimalType(4, 2)], (), [Decimal("1.10"), None], [Decimal("1.10"), Decimal("1.10")]),
    ("sum_list", [ArrayType(INTEGER)], (), [[1, None, 2], None, [3]], [3, 3, 6]),
    ("AVG", [INTEGER], (), [1, 2, None], [1.0, 1.5, 1.5]),
    ("AVG", [DOUBLE], (), [1.5, 2.5], [1.5, 2.0]),
    ("MAX", [INTEGER], (), [None, 3, 1, 5], [None, 3, 3, 5]),
    ("MIN", [STRING], (), ["b", "a", None], ["b", "a", "a"]),
    ("MAX", [DOUBLE], (), [-0.0, 0.0, math.inf], [-0.0, 0.0, math.inf]),
    ("MAX", [BYTES], (), [b"\x01", b"\x80"], [b"\x01", b"\x01"]),  # bytes compare signed
    ("COLLECT_LIST", [INTEGER], (), [1, None, 1], [[1], [1, None], [1, None, 1]]),
    ("COLLECT_SET", [INTEGER], (), [1, None, 1, 2], [[1], [1, None], [1, None], [1, None, 2]]),
    ("HISTOGRAM", [STRING], (), ["a", "b", "a"], [{"a": 1}, {"a": 1, "b": 1}, {"a": 2, "b": 1}]),
    ("TOPK", [INTEGER], (2,), [3, 1, 5, None, 4], [[3], [3, 1], [5, 3], [5, 3], [5, 4]]),
    ("TOPKDISTINCT", [INTEGER], (2,), [3, 3, 5, 4], [[3], [3], [5, 3], [5, 4]]),
    ("STDDEV_SAMP", [INTEGER], (), [1, 2, 3, 4], [0.0, 0.5, 1.0, 1.6666666666666667]),
    (
        "STDDEV_SAMPLE",
        [DOUBLE],
        (),
        [1.0, 2.0, 3.0, 4.0],
        [0.0, 0.7071067811865476, 1.0, 1.2909944487358056],
    ),
    ("ATTR", [STRING], (), ["x", "x", "y"], ["x", "x", None]),
    ("LATEST_BY_OFFSET", [INTEGER], (), [1, None, 2], [1, 1, 2]),
    ("LATEST_BY_OFFSET", [INTEGER], (False,), [1, None], [1, None]),
    ("LATEST_BY_OFFSET", [INTEGER], (2,), [1, 2, None, 3], [[1], [1, 2], [1, 2], [2, 3]]),
    ("EARLIEST_BY_OFFSET", [INTEGER], (), [None, 1, 2], [None, 1, 1]),
    ("EARLIEST_BY_OFFSET", [INTEGER], (False,), [None, 1], [None, None]),
    ("EARLIEST_BY_OFFSET", [INTEGER], (2, False), [None, 1, 2], [[None], [None, 1], [None, 1]]),
    ("COUNT_DISTINCT", [STRING], (), ["one", "two", "one", None], [1, 2, 2, 2]),
]


@pytest.mark.parametrize(("name", "types", "literals", "values", "expected"), SEQUENCES)
def test_results_after_each_value(
    registry: FunctionRegistry,
    name: str,
    types: list[SqlType],
    literals: tuple[Any, ...],
    values: list[Any],
    expected: list[Any],
) -> None:
    aggregate = _make(registry, name, types, literals)
    assert _run(aggregate, values) == expected


def test_topk_with_other_columns_returns_structs(registry: FunctionRegistry) -> None:
    aggregate = _make(registry, "TOPK", [INTEGER, STRING], (2,))
    assert aggregate.return_type == ArrayType(
        StructType((StructField("sort_col", INTEGER), StructField("col0", STRING)))
    )
    results = _run(aggregate, [(1, "a"), (7, "b"), (3, "c")])
    assert results[-1] == [{"sort_col": 7, "col0": "b"}, {"sort_col": 3, "col0": "c"}]


def test_correlation_of_pairs(registry: FunctionRegistry) -> None:
    aggregate = _make(registry, "CORRELATION", [DOUBLE, DOUBLE])
    results = _run(aggregate, [(1.0, 2.0), (2.0, 4.0), (None, 1.0), (3.0, 6.0)])
    assert math.isnan(results[0])  # one pair: 0 / 0
    assert results[-1] == pytest.approx(1.0)


# (function, types, values added, values undone, result)
UNDO = [
    ("COUNT", [INTEGER], [1, 2, 3], [2], 2),
    ("SUM", [DOUBLE], [1.5, 2.5], [1.5], 2.5),
    ("AVG", [BIGINT], [2, 4, 6], [6], 3.0),
    ("COLLECT_LIST", [STRING], ["a", "b", "a"], ["a"], ["a", "b"]),
    ("HISTOGRAM", [STRING], ["a", "a", "b"], ["b"], {"a": 2}),
    ("ATTR", [STRING], ["x", "y"], ["y"], "x"),
    ("STDDEV_SAMP", [DOUBLE], [1.0, 2.0, 3.0], [3.0], 0.5),
    ("sum_list", [ArrayType(BIGINT)], [[1, 2], [3]], [[1, 2]], 3),
]


@pytest.mark.parametrize(("name", "types", "added", "undone", "expected"), UNDO)
def test_undo_takes_values_back(
    registry: FunctionRegistry,
    name: str,
    types: list[SqlType],
    added: list[Any],
    undone: list[Any],
    expected: Any,
) -> None:
    aggregate = _make(registry, name, types)
    assert aggregate.undo is not None
    acc = aggregate.initial()
    for value in added:
        acc = aggregate.add(acc, value)
    for value in undone:
        acc = aggregate.undo(acc, value)
    assert aggregate.result(acc) == expected


@pytest.mark.parametrize(
    "name",
    [
        "MIN",
        "MAX",
        "COLLECT_SET",
        "TOPKDISTINCT",
        "LATEST_BY_OFFSET",
        "EARLIEST_BY_OFFSET",
        "COUNT_DISTINCT",
    ],
)
def test_stream_only_aggregates_cannot_undo(registry: FunctionRegistry, name: str) -> None:
    literals = (3,) if name == "TOPKDISTINCT" else ()
    aggregate = _make(registry, name, [INTEGER], literals)
    assert not aggregate.supports_undo


# (function, types, literals, two groups of values, merged result)
MERGES = [
    ("COUNT", [INTEGER], (), [1, 2], [3], 3),
    ("SUM", [INTEGER], (), [1, 2], [3], 6),
    ("AVG", [DOUBLE], (), [1.0], [3.0], 2.0),
    ("MAX", [INTEGER], (), [1, 9], [5], 9),
    ("COLLECT_LIST", [INTEGER], (), [1], [2, 3], [1, 2, 3]),
    ("COLLECT_SET", [INTEGER], (), [1, 2], [2, 3], [1, 2, 3]),
    ("TOPK", [INTEGER], (3,), [9, 1], [5, 4], [9, 5, 4]),
    ("TOPKDISTINCT", [INTEGER], (3,), [9, 5], [5, 4], [9, 5, 4]),
    ("STDDEV_SAMPLE", [DOUBLE], (), [1.0, 2.0], [3.0, 4.0], 1.2909944487358056),
    ("LATEST_BY_OFFSET", [STRING], (), ["old"], ["new"], "new"),
    ("EARLIEST_BY_OFFSET", [STRING], (), ["old"], ["new"], "old"),
    ("COUNT_DISTINCT", [INTEGER], (), [1, 2], [2, 3], 3),
]


@pytest.mark.parametrize(("name", "types", "literals", "first", "second", "expected"), MERGES)
def test_merge_combines_two_accumulators(
    registry: FunctionRegistry,
    name: str,
    types: list[SqlType],
    literals: tuple[Any, ...],
    first: list[Any],
    second: list[Any],
    expected: Any,
) -> None:
    aggregate = _make(registry, name, types, literals)
    left, right = aggregate.initial(), aggregate.initial()
    for value in first:
        left = aggregate.add(left, value)
    for value in second:
        right = aggregate.add(right, value)
    result = aggregate.result(aggregate.merge(left, right))
    assert result == pytest.approx(expected) if isinstance(expected, float) else result == expected


# (function, types, literals, intermediate type, return type)
TYPES = [
    ("COUNT", [STRING], (), BIGINT, BIGINT),
    ("SUM", [DecimalType(10, 2)], (), DecimalType(10, 2), DecimalType(10, 2)),
    (
        "AVG",
        [INTEGER],
        (),
        StructType((StructField("SUM", INTEGER), StructField("COUNT", BIGINT))),
        DOUBLE,
    ),
    ("COLLECT_LIST", [DOUBLE], (), ArrayType(DOUBLE), ArrayType(DOUBLE)),
    ("HISTOGRAM", [STRING], (), MapType(STRING, BIGINT), MapType(STRING, BIGINT)),
    (
        "LATEST_BY_OFFSET",
        [STRING],
        (),
        StructType((StructField("SEQ", BIGINT), StructField("VAL", STRING))),
        STRING,
    ),
    (
        "EARLIEST_BY_OFFSET",
        [STRING],
        (3,),
        ArrayType(StructType((StructField("SEQ", BIGINT), StructField("VAL", STRING)))),
        ArrayType(STRING),
    ),
    (
        "STDDEV_SAMP",
        [BIGINT],
        (),
        StructType(
            (StructField("SUM", BIGINT), StructField("COUNT", BIGINT), StructField("M2", DOUBLE))
        ),
        DOUBLE,
    ),
    ("COUNT_DISTINCT", [STRING], (), ArrayType(INTEGER), BIGINT),
    (
        "ATTR",
        [INTEGER],
        (),
        ArrayType(StructType((StructField("VALUE", INTEGER), StructField("COUNT", INTEGER)))),
        INTEGER,
    ),
]


@pytest.mark.parametrize(("name", "types", "literals", "intermediate", "returns"), TYPES)
def test_intermediate_and_return_types(
    registry: FunctionRegistry,
    name: str,
    types: list[SqlType],
    literals: tuple[Any, ...],
    intermediate: SqlType,
    returns: SqlType,
) -> None:
    aggregate = _make(registry, name, types, literals)
    assert aggregate.intermediate_type == intermediate
    assert aggregate.return_type == returns


def test_accumulators_are_never_changed_in_place(registry: FunctionRegistry) -> None:
    aggregate = _make(registry, "COLLECT_LIST", [INTEGER])
    first = aggregate.add(aggregate.initial(), 1)
    second = aggregate.add(first, 2)
    assert first == [1]
    assert second == [1, 2]


def test_collect_list_stops_at_the_configured_limit(registry: FunctionRegistry) -> None:
    aggregate = _make(
        registry, "COLLECT_LIST", [INTEGER], config={"ksql.functions.collect_list.limit": "2"}
    )
    assert _run(aggregate, [1, 2, 3])[-1] == [1, 2]


def test_decimal_sum_overflow_fails_the_record(registry: FunctionRegistry) -> None:
    aggregate = _make(registry, "SUM", [DecimalType(4, 2)])
    acc = aggregate.add(aggregate.initial(), Decimal("99.99"))
    with pytest.raises(
        FunctionError,
        match=r"Numeric field overflow: A field with precision 4 "
        r"and scale 2 must round to an absolute value less than 10\^2. Got 100.0",
    ):
        aggregate.add(acc, Decimal("0.02"))


def test_latest_n_must_be_positive(registry: FunctionRegistry) -> None:
    with pytest.raises(AnalysisError, match="latestN must be 1 or greater"):
        _make(registry, "LATEST_BY_OFFSET", [INTEGER], (0,))


RESOLUTION_ERRORS = [
    ("SUM", [STRING], "Function 'SUM' does not accept parameters (STRING)."),
    # aggregates never cast implicitly, unlike scalar functions
    (
        "CORRELATION",
        [INTEGER, DOUBLE],
        "Function 'correlation' does not accept parameters (INTEGER, DOUBLE).",
    ),
    ("NOPE", [INTEGER], "Can not find any aggregate functions with the name 'NOPE'"),
]


@pytest.mark.parametrize(("name", "types", "message"), RESOLUTION_ERRORS)
def test_aggregate_resolution_errors(
    registry: FunctionRegistry, name: str, types: list[SqlType], message: str
) -> None:
    with pytest.raises(AnalysisError) as caught:
        registry.resolve_aggregate(name, types)
    assert str(caught.value).startswith(message)


def test_literal_arguments(registry: FunctionRegistry) -> None:
    call = registry.resolve_aggregate("EARLIEST_BY_OFFSET", [INTEGER, INTEGER, BOOLEAN])
    assert call.literal_count == 2
    assert call.column_types == (INTEGER,)
    error = call.literal_error(2, "F0")
    assert str(error) == (
        "Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was "
        "expression: 'F0'"
    )


# MurmurHash 2 as stream-lib computes it (values from the JVM)
HASHES = [
    (0, 0),
    (1, 1527037976),
    (-1, -2037786185),
    (42, 1348420172),
    (2147483647, -1595886004),
    (9223372036854775807, 310834921),
]
STRING_HASHES = [
    ("", -1285986640),
    ("a", 713507990),
    ("abcd", 1555318719),
    ("one", 1448687641),
    ("héllo wörld", 1630776496),
]


@pytest.mark.parametrize(("value", "expected"), HASHES)
def test_murmur_hash_of_longs(value: int, expected: int) -> None:
    assert murmur_long(value) == expected


@pytest.mark.parametrize(("value", "expected"), STRING_HASHES)
def test_murmur_hash_of_strings(value: str, expected: int) -> None:
    assert murmur_bytes(value.encode("utf-8")) == expected


def test_murmur_hash_of_doubles_uses_their_bits() -> None:
    bits = struct.unpack(">q", struct.pack(">d", 1.5))[0]
    assert murmur_long(bits) == -1688758945


def test_count_distinct_estimates_large_counts(registry: FunctionRegistry) -> None:
    aggregate = _make(registry, "COUNT_DISTINCT", [BIGINT])
    acc = aggregate.initial()
    for value in range(20_000):
        acc = aggregate.add(acc, value)
    estimate = aggregate.result(acc)
    assert abs(estimate - 20_000) < 20_000 * 0.03
    assert len(acc) == 2731
